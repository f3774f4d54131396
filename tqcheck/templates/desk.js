/* tqcheck review desk: edit the article where its findings are, accept or reject each one,
   re-check after a pause in typing.  The server renders the file view (the report's own
   template); this script only keeps the text, calls the API and walks the findings.
   All text reaches the page as the server's escaped HTML or through textContent/value. */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  function $(sel) { return document.querySelector(sel); }

  var PAUSE_MS = 700;  // a re-check starts this long after the last keystroke
  var state = {
    text: null,       // the article as the desk holds it now
    checked: null,    // the text the shown findings belong to
    report: null,     // the v1 JSON of that check
    name: 'article.txt',
    file: null,       // {path, sha256} when opened from PATH
    saved: null,      // the text as opened, saved or downloaded: anything else is an unsaved edit
    // fingerprint -> {decision, reason?, by}: the editor's decisions.  For a file from PATH they are
    // kept in its review record on the server (GET/POST /api/decisions) and come back after a reload.
    decisions: {},
    undo: [],         // [{text, fp}] before each accept, for Ctrl+Z
    current: null     // the selected finding's id
  };
  var REVIEWER = document.body.dataset.reviewer || 'editor';
  var OPEN_KEY = 'tqcheck-desk-open';  // the file open in this tab, reopened after a reload
  var view = $('#view'), statusEl = $('#status'), pos = $('#pos');
  var timer = null, inflight = false, again = false;

  var bar = $('.top');
  function measureBar() { root.style.setProperty('--top-h', bar.offsetHeight + 'px'); }
  measureBar();
  window.addEventListener('resize', measureBar);

  function say(msg, bad) {
    statusEl.textContent = msg;
    statusEl.classList.toggle('bad', !!bad);
  }

  function api(path, body, raw) {
    var init = { method: 'POST', headers: { 'Content-Type': raw ? 'application/octet-stream' : 'application/json' },
                 body: raw ? body : JSON.stringify(body) };
    return fetch(path, init).then(function (r) {
      var type = r.headers.get('content-type') || '';
      if (!r.ok) {
        return (type.indexOf('json') >= 0 ? r.json() : Promise.resolve({})).then(function (j) {
          throw new Error(j.error || ('HTTP ' + r.status));
        });
      }
      return type.indexOf('json') >= 0 && !(body && body.format && body.format !== 'json') ? r.json() : r.text();
    });
  }

  function options(text) {
    var o = { text: text, name: state.name, source: $('#in-source').value || null,
              reference: $('#in-reference').value || null, lang: $('#in-lang').value.trim() || null,
              source_lang: $('#in-source-lang').value.trim() || null };
    var model = $('#in-model');
    if (model) { o.use_model = model.checked; }
    return o;
  }

  // --- the article's text and the caret ------------------------------------------------------

  function article() { return view.querySelector('article.text'); }

  // The article's characters as the server sent them: text nodes in order (pseudo-element
  // markers are not text), and a <br> or a new block from the browser's editing as a newline.
  function textOf(node) {
    var out = '';
    node.childNodes.forEach(function (n) {
      if (n.nodeType === 3) { out += n.nodeValue; }
      else if (n.nodeName === 'BR') { out += '\n'; }
      else if (n.nodeType === 1) {
        if (/^(DIV|P)$/.test(n.nodeName) && out && out.slice(-1) !== '\n') { out += '\n'; }
        out += textOf(n);
      }
    });
    return out;
  }

  function caretOffset(el) {
    var sel = window.getSelection();
    if (!sel.rangeCount || !el.contains(sel.focusNode)) { return null; }
    var r = document.createRange();
    r.setStart(el, 0);
    r.setEnd(sel.focusNode, sel.focusOffset);
    var box = document.createElement('div');
    box.appendChild(r.cloneContents());
    return textOf(box).length;
  }

  function placeCaret(el, offset) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), n, left = offset, last = null;
    while ((n = walker.nextNode())) {
      last = n;
      if (left <= n.nodeValue.length) { break; }
      left -= n.nodeValue.length;
    }
    if (!last) { return; }
    var r = document.createRange();
    r.setStart(last, Math.min(left, last.nodeValue.length));
    r.collapse(true);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  // --- checking ----------------------------------------------------------------------------------

  function setText(text) {
    state.text = text;
    $('#in-text').value = text;
    var dirty = text !== state.checked;
    view.classList.toggle('stale', dirty);
    updateButtons();
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(function () { check(true); }, ms);
  }

  // quick: after an edit, the server answers at once from the last full check and the model-free
  // checks of the changed paragraphs, and says which paragraphs still wait for the model; the full
  // check follows straight away.
  function check(quick) {
    clearTimeout(timer);
    if (state.text === null) { return; }
    if (inflight) { again = true; return; }
    inflight = true;
    again = false;
    var sent = state.text, body = options(sent);
    if (quick) { body.quick = true; }
    say('checking…');
    watchProgress(!quick);
    api('/api/review', body).then(function (res) {
      inflight = false;
      watchProgress(false);
      if (state.text !== sent) { check(true); return; }  // typed meanwhile: these findings are already old
      show(res, sent);
      if (again || res.pending.length) { check(!res.pending.length); }
    }, function (err) {
      inflight = false;
      watchProgress(false);
      say('Check failed: ' + err.message, true);
      if (again) { check(true); }
    });
  }

  // A full check can take a minute on a long article: while it runs, the status line says how many of
  // its paragraphs the model has read (GET /api/progress answers beside the check).
  var progressTimer = null;
  function watchProgress(on) {
    clearInterval(progressTimer);
    progressTimer = null;
    if (!on) { return; }
    progressTimer = setInterval(function () {
      fetch('/api/progress').then(function (r) { return r.json(); }).then(function (p) {
        if (progressTimer !== null && p.checking && p.paragraphs > 0 && p.paragraphs_read < p.paragraphs) {
          say('checking… the model has read ' + p.paragraphs_read + ' of ' + p.paragraphs + ' paragraphs');
        }
      }, function () { /* the check's own answer reports any failure */ });
    }, 1000);
  }

  function show(res, text) {
    var el = article();
    var caret = el && document.activeElement === el ? caretOffset(el) : null;
    var scroll = window.scrollY;
    // Finding ids are positions in this check's list: the selection follows the finding's fingerprint.
    var was = card(state.current), wasFp = was ? was.dataset.fp : null;
    state.report = res.report;
    state.checked = text;
    view.innerHTML = res.html;
    view.classList.remove('stale');
    el = article();
    if (el) {
      el.setAttribute('contenteditable', 'plaintext-only');
      if (el.contentEditable !== 'plaintext-only') { el.setAttribute('contenteditable', 'true'); }
      el.setAttribute('spellcheck', 'false');
      el.setAttribute('aria-label', 'The article: edit it here');
      if (caret !== null) { el.focus({ preventScroll: true }); placeCaret(el, caret); }
    }
    var n = res.report.summary.findings;
    if (res.pending.length) {
      say(n + (n === 1 ? ' finding' : ' findings') + ' · re-checked in ' + res.seconds.toFixed(2) +
          ' s; the model is reading ' + res.pending.length + (res.pending.length === 1 ? ' edited paragraph…' : ' edited paragraphs…'));
    } else {
      // What the model read: the reading's windows (a few paragraphs each) it read now, and those kept
      // from the last check (the score cache's counts leave out the model's reading, which it does not hold).
      var read = res.reading || {};
      say(n + (n === 1 ? ' finding' : ' findings') + ' · checked in ' + res.seconds.toFixed(2) + ' s' +
          (!read.cached ? '' : ' (the model read ' + read.read + ' of ' + (read.read + read.cached) + ' passages; the rest were kept from the last check)'));
    }
    $('#doc-name').textContent = state.name;
    markRejected();
    var now = wasFp ? view.querySelector('li.finding[data-fp="' + wasFp + '"]') : null;
    select(now ? now.dataset.id : null, {});
    window.scrollTo(0, scroll);  // a re-check while typing must not move the page
    updateButtons();
  }

  function updateButtons() {
    var have = state.text !== null;
    $('#dl-text').disabled = !have;
    $('#dl-json').disabled = !state.report;
    $('#dl-html').disabled = !have;
    $('#fix-all').disabled = !have;
    var save = $('#save');
    if (save) { save.disabled = !(have && state.file); }
  }

  // --- findings: select, move, accept, reject ------------------------------------------------------

  function cards() { return Array.prototype.slice.call(view.querySelectorAll('li.finding')); }
  function card(id) { return id === null ? null : view.querySelector('li.finding[data-id="' + id + '"]'); }
  function segments(id) {
    return Array.prototype.filter.call(view.querySelectorAll('.hl'), function (h) {
      return h.dataset.f.split(' ').indexOf(String(id)) >= 0;
    });
  }
  function finding(id) { return state.report.files[0].findings[Number(id)]; }

  function isRejected(fp) { var d = state.decisions[fp]; return !!d && d.decision === 'rejected'; }

  function markRejected() {
    cards().forEach(function (c) {
      var off = isRejected(c.dataset.fp);
      c.classList.toggle('rejected', off);
      var btn = c.querySelector('[data-act="reject"]');
      if (btn) { btn.textContent = off ? 'Rejected (undo)' : 'Reject'; btn.setAttribute('aria-pressed', String(off)); }
    });
    view.querySelectorAll('.hl').forEach(function (h) {
      var live = h.dataset.f.split(' ').filter(function (id) { var c = card(id); return c && !c.classList.contains('rejected'); });
      h.classList.toggle('off', !live.length);
    });
    showPosition();
  }

  function showPosition() {
    var all = cards(), open = all.filter(function (c) { return !c.classList.contains('rejected'); });
    var i = state.current !== null ? all.indexOf(card(state.current)) : -1;
    pos.textContent = (i >= 0 ? (i + 1) + ' / ' : '') + all.length + (open.length < all.length ? ' (' + (all.length - open.length) + ' rejected)' : '');
  }

  function select(id, how) {
    view.querySelectorAll('li.finding.current').forEach(function (c) { c.classList.remove('current'); c.removeAttribute('aria-current'); });
    view.querySelectorAll('.hl.sel').forEach(function (h) { h.classList.remove('sel'); });
    state.current = id;
    var c = card(id);
    if (c) {
      c.classList.add('current');
      c.setAttribute('aria-current', 'true');
      c.scrollIntoView({ block: 'nearest' });
      var segs = segments(id);
      segs.forEach(function (h) { h.classList.add('sel'); });
      if (how && how.toText && segs.length) { segs[0].scrollIntoView({ block: 'center' }); }
    }
    showPosition();
  }

  function step(delta) {
    var all = cards();
    if (!all.length) { return; }
    var i = all.indexOf(card(state.current));
    if (i < 0) { i = delta > 0 ? -1 : 0; }
    select(all[(i + delta + all.length) % all.length].dataset.id, { toText: true });
  }

  function applyEdits(edits, what, done) {
    if (state.text !== state.checked) { say('The text changed since the last check: checking again first.', true); check(true); return; }
    api('/api/fix', { text: state.text, edits: edits }).then(function (res) {
      if (!res.applied.length) { say('Nothing applied: the text there has changed. Check again.', true); return; }
      if (done) { done(); }
      setText(res.text);
      say(what + ' · checking…');
      check(true);
    }, function (err) { say('Could not apply: ' + err.message, true); });
  }

  // Keep a decision: in the page at once, and in the file's review record when it came from PATH.
  function decide(fp, decision, reason) {
    if (decision === 'open') { delete state.decisions[fp]; }
    else { state.decisions[fp] = { decision: decision, by: REVIEWER }; if (reason) { state.decisions[fp].reason = reason; } }
    if (!state.file) { return; }
    var body = { path: state.file.path, fingerprint: fp, decision: decision };
    if (reason) { body.reason = reason; }
    api('/api/decisions', body).then(function (res) {
      if (res.decisions[fp]) { state.decisions[fp] = res.decisions[fp]; }
    }, function (err) { say('Decision not kept: ' + err.message, true); });
  }

  function loadDecisions(path) {
    state.decisions = {};
    return fetch('/api/decisions?path=' + encodeURIComponent(path)).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error); } return j; });
    }).then(function (res) {
      state.decisions = res.decisions || {};
      if (res.warnings && res.warnings.length) { say(res.warnings.join(' '), true); }
    }, function (err) { say('The review record could not be read: ' + err.message, true); });
  }

  function accept(id, choice) {
    var f = id !== null && state.report ? finding(id) : null;
    if (!f || !f.suggestions.length) { say('This finding has no suggestion to accept: edit the text by hand (e).', true); return; }
    var sg = f.suggestions[choice || 0];
    var before = state.text, fp = f.fingerprint;
    applyEdits([{ start: f.start, end: f.end, text: f.text, replacement: sg }], 'Accepted “' + sg.trim() + '”', function () {
      state.undo.push({ text: before, fp: fp });
      if (state.undo.length > 100) { state.undo.shift(); }
      decide(fp, 'accepted');
    });
  }

  // Ctrl+Z outside the text: the last accept undone, its finding open again.
  function undoAccept() {
    var last = state.undo.pop();
    if (!last) { say('Nothing to undo.'); return; }
    setText(last.text);
    decide(last.fp, 'open');
    say('Accept undone · checking…');
    check(true);
  }

  function reject(id) {
    var c = card(id);
    if (!c) { return; }
    var fp = c.dataset.fp, off = isRejected(fp);
    decide(fp, off ? 'open' : 'rejected');
    markRejected();
    if (!off) { step(1); }
  }

  // "use everywhere": every other full spelling of the entity becomes this one.
  function spellEverywhere(entity, spelling) {
    var entry = state.report.files[0].names[Number(entity)];
    var edits = [];
    entry.spellings.forEach(function (sp) {
      if (sp.spelling === spelling || sp.short_form || sp.misspelt_short_form || sp.given_name_alone) { return; }
      (sp.offsets || []).forEach(function (o) { edits.push({ start: o[0], end: o[1], text: sp.spelling, replacement: spelling }); });
    });
    if (!edits.length) { say('“' + spelling + '” is already the only spelling.'); return; }
    applyEdits(edits, '“' + spelling + '” everywhere (' + edits.length + ' changed)');
  }

  // --- events ----------------------------------------------------------------------------------

  view.addEventListener('click', function (ev) {
    var act = ev.target.closest('[data-act]');
    if (act) {
      ev.preventDefault();
      var c = act.closest('li.finding');
      if (act.dataset.act === 'accept') { select(c.dataset.id); accept(c.dataset.id, Number(act.dataset.choice)); }
      else if (act.dataset.act === 'reject') { select(c.dataset.id); reject(c.dataset.id); }
      else if (act.dataset.act === 'spell') { spellEverywhere(act.dataset.entity, act.dataset.spelling); }
      return;
    }
    var hl = ev.target.closest('.hl');
    if (hl) {
      ev.preventDefault();  // a link inside the editable text: select its finding, keep the caret
      var ids = hl.dataset.f.split(' ');
      var at = ids.indexOf(String(state.current));
      select(ids[at >= 0 ? (at + 1) % ids.length : 0]);
      return;
    }
    var c2 = ev.target.closest('li.finding');
    if (c2) {
      if (ev.target.closest('a.loc')) { ev.preventDefault(); }
      select(c2.dataset.id, { toText: true });
    }
  });

  view.addEventListener('input', function (ev) {
    if (ev.target !== article()) { return; }
    setText(textOf(ev.target));
    schedule(PAUSE_MS);
  });

  // Pasting into the article takes the plain text only (no markup from elsewhere).
  view.addEventListener('paste', function (ev) {
    if (ev.target.closest && ev.target.closest('article.text') && ev.clipboardData) {
      ev.preventDefault();
      document.execCommand('insertText', false, ev.clipboardData.getData('text/plain'));
    }
  });

  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    var typing = t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
                       (t.tagName === 'INPUT' && !/^(checkbox|radio|button|file)$/.test(t.type)));
    if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter') { ev.preventDefault(); startCheck(); return; }
    if ((ev.ctrlKey || ev.metaKey) && ev.key === 's') { ev.preventDefault(); save(); return; }
    // In the text, Ctrl+Z is the browser's own undo of typing; elsewhere it undoes the last accept.
    if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && (ev.key === 'z' || ev.key === 'Z') && !typing) {
      ev.preventDefault(); undoAccept(); return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === 'Escape') {
      if (typing) { t.blur(); } else { select(null); }
      return;
    }
    if (typing) { return; }
    if (ev.key === 'n' || ev.key === 'j') { step(1); }
    else if (ev.key === 'p' || ev.key === 'k') { step(-1); }
    else if (ev.key === 'a') { accept(state.current, 0); }
    else if (ev.key === 'r') { reject(state.current); }
    else if (ev.key === 'e') { editAt(state.current); }
    else { return; }
    ev.preventDefault();
  });

  function editAt(id) {
    var el = article();
    if (!el) { return; }
    el.focus();
    var f = id !== null && state.report ? finding(id) : null;
    if (f && state.text === state.checked) { placeCaret(el, f.end); }
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-nav]'), function (b) {
    b.addEventListener('click', function () { step(b.dataset.nav === 'next' ? 1 : -1); });
  });

  function startCheck() {
    var typed = $('#in-text').value;
    if (!typed.trim()) { say('Paste or upload a text first.', true); return; }
    if (typed !== state.text) {
      if (!state.file && state.saved !== typed) { state.decisions = {}; state.undo = []; }  // another pasted text
      setText(typed);
      if (!state.file) { state.saved = typed; }
    }
    $('#inputs').open = false;
    check();
  }
  $('#check').addEventListener('click', startCheck);

  $('#fix-all').addEventListener('click', function () {
    var o = options(state.text);
    api('/api/fix', o).then(function (res) {
      setText(res.text);
      say(res.applied.length + ' confident fixes accepted · checking…');
      check(true);
    }, function (err) { say('Could not fix: ' + err.message, true); });
  });

  // --- files: upload, download, open and save ------------------------------------------------------------

  function uploadInto(input, target, asArticle) {
    input.addEventListener('change', function () {
      var file = input.files[0];
      if (!file) { return; }
      api('/api/upload?name=' + encodeURIComponent(file.name), file, true).then(function (res) {
        target.value = res.text;
        if (asArticle) {
          state.name = file.name;
          state.file = null;
          try { sessionStorage.removeItem(OPEN_KEY); } catch (e) { /* nothing to forget */ }
        }
        say('Read ' + file.name + '.');
      }, function (err) { say(file.name + ': ' + err.message, true); });
    });
  }
  uploadInto($('#up-text'), $('#in-text'), true);
  uploadInto($('#up-source'), $('#in-source'), false);
  uploadInto($('#up-reference'), $('#in-reference'), false);

  function download(name, type, content) {
    var url = URL.createObjectURL(new Blob([content], { type: type }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function stem() { return state.name.replace(/^.*\//, '').replace(/\.[^.]+$/, '') || 'article'; }
  $('#dl-text').addEventListener('click', function () {
    download(state.name.replace(/^.*\//, '') || 'article.txt', 'text/plain;charset=utf-8', state.text);
    if (!state.file) { state.saved = state.text; }  // pasted text: the download is its save
  });
  // The reports carry each decision (the v1 contract's optional "review"): a rejected finding is not
  // an open one there.
  function reviewed(report) {
    var copy = JSON.parse(JSON.stringify(report));
    copy.files.forEach(function (file) {
      file.findings.forEach(function (f) {
        var d = state.decisions[f.fingerprint];
        if (d && d.decision !== 'open') {
          f.review = { decision: d.decision, by: d.by || REVIEWER };
          if (d.reason) { f.review.reason = d.reason; }
        }
      });
    });
    return copy;
  }
  function decisionsFor(report) {
    var out = {};
    report.files[0].findings.forEach(function (f) {
      var d = state.decisions[f.fingerprint];
      if (d) { out[f.fingerprint] = { decision: d.decision, by: d.by || REVIEWER }; if (d.reason) { out[f.fingerprint].reason = d.reason; } }
    });
    return out;
  }
  $('#dl-json').addEventListener('click', function () {
    if (state.text !== state.checked) { say('Note: the JSON report is of the last check, before your latest edits.'); }
    download(stem() + '.tqcheck.json', 'application/json', JSON.stringify(reviewed(state.report), null, 2) + '\n');
  });
  $('#dl-html').addEventListener('click', function () {
    var o = options(state.text);
    o.format = 'html';
    if (state.report) { o.decisions = decisionsFor(state.report); }
    api('/api/check', o).then(function (html) { download(stem() + '.tqcheck.html', 'text/html;charset=utf-8', html); },
                              function (err) { say('Could not make the report: ' + err.message, true); });
  });

  var list = $('#file-list');
  if (list) {
    fetch('/api/files').then(function (r) { return r.json(); }).then(function (res) {
      list.textContent = '';
      (res.files || []).forEach(function (name) {
        var o = document.createElement('option');
        o.value = name;
        o.textContent = name;
        list.appendChild(o);
      });
    });
    $('#open').addEventListener('click', function () {
      if (!list.value) { return; }
      if (dirty() && !window.confirm('Your edits to ' + state.name + ' are not saved. Open ' + list.value +
                                     ' and discard them?')) { return; }
      openFile(list.value);
    });
  }

  function openFile(path) {
    var got = fetch('/api/file?path=' + encodeURIComponent(path)).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error); } return j; });
    });
    // The decisions arrive before the check's findings are shown, so a rejection is shown at once.
    return Promise.all([got, loadDecisions(path)]).then(function (both) {
      var res = both[0];
      state.name = res.path;
      state.file = { path: res.path, sha256: res.sha256 };
      state.saved = res.text;
      state.undo = [];
      try { sessionStorage.setItem(OPEN_KEY, res.path); } catch (e) { /* storage off: no reopen after a reload */ }
      $('#in-text').value = res.text;
      if (list) { list.value = res.path; }
      startCheck();
    }, function (err) {
      try { sessionStorage.removeItem(OPEN_KEY); } catch (e) { /* nothing to forget */ }
      say(err.message, true);
    });
  }

  // After a reload, the file this tab had open is opened again, with its decisions.
  var reopen = null;
  try { reopen = sessionStorage.getItem(OPEN_KEY); } catch (e) { reopen = null; }
  if (list && reopen) { openFile(reopen); }

  function dirty() { return state.text !== null && state.saved !== null && state.text !== state.saved; }
  window.addEventListener('beforeunload', function (ev) {
    if (dirty()) { ev.preventDefault(); ev.returnValue = ''; }  // the browser asks before the edits go
  });

  function save() {
    if (!state.file || state.text === null) { return; }
    var sent = state.text;
    api('/api/save', { path: state.file.path, text: sent, sha256: state.file.sha256 }).then(function (res) {
      state.file.sha256 = res.sha256;
      state.saved = sent;
      say(res.backup ? 'Saved ' + res.path + ' (the earlier text is in ' + res.backup + ').'
                     : res.path + ' already holds this text: nothing to save.');
    }, function (err) { say('Not saved: ' + err.message, true); });
  }
  var saveBtn = $('#save');
  if (saveBtn) { saveBtn.addEventListener('click', save); }
}());
