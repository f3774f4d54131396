/* tqcheck review page: select findings, filter them, walk them with n / p.
   Everything works on the DOM the template wrote; without this script the
   page still shows every highlight, every finding in full and the diff. */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  // The sticky bar's real height (it wraps on narrow screens) for the panel and scroll offsets.
  var bar = document.querySelector('.top');
  function measureBar() { if (bar) { root.style.setProperty('--top-h', bar.offsetHeight + 'px'); } }
  var tools = document.querySelector('.tools');
  var toggle = document.querySelector('.filters-toggle');
  function fold(on) {
    tools.classList.toggle('folded', on);
    toggle.setAttribute('aria-expanded', String(!on));
    measureBar();
  }
  if (toggle) {
    toggle.addEventListener('click', function () { fold(!tools.classList.contains('folded')); });
    if (window.matchMedia('(max-width: 700px)').matches) { fold(true); }
  }
  measureBar();
  window.addEventListener('resize', measureBar);

  var cards = Array.prototype.slice.call(document.querySelectorAll('li.finding'));
  if (!cards.length) { return; }
  var byId = {};
  cards.forEach(function (c) { byId[c.dataset.id] = c; });
  var hls = Array.prototype.slice.call(document.querySelectorAll('.hl'));
  var segsOf = {};
  hls.forEach(function (h) {
    h.dataset.f.split(' ').forEach(function (id) { (segsOf[id] = segsOf[id] || []).push(h); });
  });
  var pos = document.getElementById('pos');
  var current = null;

  function visibleIds(el) {
    return el.dataset.f.split(' ').filter(function (id) { return byId[id] && !byId[id].hidden; });
  }

  function showPosition() {
    var shown = cards.filter(function (c) { return !c.hidden; });
    var i = current ? shown.indexOf(byId[current]) : -1;
    pos.textContent = (i >= 0 ? (i + 1) + ' / ' : '') + shown.length + (shown.length === cards.length ? '' : ' of ' + cards.length);
  }

  function select(id, how) {
    how = how || {};
    if (current !== null) {
      byId[current].classList.remove('current');
      byId[current].removeAttribute('aria-current');
      (segsOf[current] || []).forEach(function (h) { h.classList.remove('sel'); });
    }
    current = id;
    if (id === null) { showPosition(); return; }
    var card = byId[id];
    card.classList.add('current');
    card.setAttribute('aria-current', 'true');
    var segs = segsOf[id] || [];
    segs.forEach(function (h) { h.classList.add('sel'); });
    card.scrollIntoView({ block: 'nearest' });
    if (how.toText && segs.length) {
      if (how.focus) { segs[0].focus({ preventScroll: true }); }
      segs[0].scrollIntoView({ block: 'center' });
    }
    showPosition();
  }

  function step(delta) {
    var shown = cards.filter(function (c) { return !c.hidden; });
    if (!shown.length) { return; }
    var i = current ? shown.indexOf(byId[current]) : -1;
    if (i < 0) { i = delta > 0 ? -1 : 0; }
    var next = shown[(i + delta + shown.length) % shown.length];
    select(next.dataset.id, { toText: true, focus: true });
  }

  // A highlight covers one or more findings: a click picks the first visible one,
  // a second click on the same run moves to the next finding under it.
  var pointer = false;
  document.addEventListener('mousedown', function () { pointer = true; });
  document.addEventListener('mouseup', function () { setTimeout(function () { pointer = false; }, 0); });

  document.addEventListener('click', function (ev) {
    var hl = ev.target.closest('.hl, del[data-f], ins[data-f]');
    if (hl) {
      var ids = hl.classList.contains('hl') ? visibleIds(hl) : hl.dataset.f.split(' ').filter(function (id) { return byId[id]; });
      if (!ids.length) { return; }
      ev.preventDefault();
      var at = ids.indexOf(current);
      var id = at >= 0 ? ids[(at + 1) % ids.length] : ids[0];
      select(id, { toText: !hl.classList.contains('hl') });
      return;
    }
    var card = ev.target.closest('li.finding');
    if (card) {
      var link = ev.target.closest('a.loc');
      if (link) { ev.preventDefault(); }
      if (ev.target.closest('a:not(.loc), summary, input, button')) { return; }
      select(card.dataset.id, { toText: true });
    }
  });

  document.addEventListener('focusin', function (ev) {
    var hl = ev.target.closest && ev.target.closest('.hl');
    if (hl && !pointer) {
      var ids = visibleIds(hl);
      if (ids.length && ids.indexOf(current) < 0) { select(ids[0]); }
    }
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
        (t.tagName === 'INPUT' && !/^(checkbox|radio|button)$/.test(t.type)))) { return; }
    if (ev.key === 'n' || ev.key === 'j') { step(1); ev.preventDefault(); }
    else if (ev.key === 'p' || ev.key === 'k') { step(-1); ev.preventDefault(); }
    else if (ev.key === 'Escape') { select(null); }
  });

  Array.prototype.forEach.call(document.querySelectorAll('[data-nav]'), function (b) {
    b.addEventListener('click', function () { step(b.dataset.nav === 'next' ? 1 : -1); });
  });

  var filters = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  // The detector's confidence is a calibrated probability; other rules' confidence is their own estimate.
  var minConf = document.querySelector('input[data-min-confidence]');
  var minConfShown = document.getElementById('min-conf-value');
  function applyFilters() {
    var off = { category: {}, severity: {} };
    var floor = minConf ? parseFloat(minConf.value) : 0;
    if (minConfShown) { minConfShown.textContent = floor.toFixed(2); }
    filters.forEach(function (f) { if (!f.checked) { off[f.dataset.filter][f.value] = true; } });
    cards.forEach(function (c) {
      c.hidden = !!(off.category[c.dataset.cat] || off.severity[c.dataset.sev] ||
                    parseFloat(c.dataset.conf || '1') < floor);
    });
    hls.forEach(function (h) {
      var ids = visibleIds(h);
      h.classList.toggle('off', !ids.length);
      h.classList.toggle('multi', ids.length > 1);
      if (ids.length) {
        // The run takes the colour of its most important visible finding (ids come ranked).
        h.dataset.cat = byId[ids[0]].dataset.cat;
        h.dataset.sev = byId[ids[0]].dataset.sev;
        h.removeAttribute('tabindex');
      } else {
        h.setAttribute('tabindex', '-1');
      }
    });
    if (current !== null && byId[current].hidden) { select(null); }
    showPosition();
  }
  filters.forEach(function (f) { f.addEventListener('change', applyFilters); });
  if (minConf) { minConf.addEventListener('input', applyFilters); }
  showPosition();
}());
