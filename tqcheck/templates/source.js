/* The source beside the text: each paragraph's source (.src-para, from the check's alignment) is
   lined up with the paragraph it translates (the anchor named by its data-at), and never overlaps the
   one before.  The report and the desk both load this before their own script; without it the
   source column simply reads top to bottom. */
(function () {
  'use strict';
  function place(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll('.source-col'), function (col) {
      col.classList.add('placed');
      var top0 = col.getBoundingClientRect().top, below = 0;
      Array.prototype.forEach.call(col.querySelectorAll('.src-para'), function (p) {
        var at = document.getElementById(p.dataset.at);
        var y = at ? at.getBoundingClientRect().top - top0 : below;
        y = Math.max(y, below);
        p.style.top = y + 'px';
        below = y + p.offsetHeight + 6;
      });
      col.style.minHeight = below + 'px';
    });
  }
  window.tqcheckPlaceSources = place;
  window.addEventListener('resize', function () { place(); });
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', function () { place(); }); }
  else { place(); }
}());
