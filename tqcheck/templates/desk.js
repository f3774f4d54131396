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
    original: null,   // the text as first opened or pasted: what the tracked changes compare against
    // The desk's own history, for Ctrl+Z and Ctrl+Y outside the text: each step is {before, after, what,
    // fp?: the accepted finding, edited?: the findings a hand edit did away with}.
    undo: [],
    redo: [],
    typed: false,     // the text was edited by hand since the last check shown
    current: null,    // the selected finding's id
    // rule id -> "file" (the review record), "folder" (the folder's config) or "session" (pasted text):
    // the rules the editor set aside.  Their findings are hidden, as the filters hide others.
    ignored: {},
    resume: null      // after an accept: the text offset from which the next open finding is selected
  };
  var REVIEWER = document.body.dataset.reviewer || 'editor';
  var OPEN_KEY = 'tqcheck-desk-open';  // the file open in this tab, reopened after a reload
  var view = $('#view'), statusEl = $('#status'), pos = $('#pos');
  var timer = null, inflight = false, again = false;

  // Dark or light: the system's choice until the editor picks one with the toggle (kept in this browser).
  var THEME_KEY = 'tqcheck-desk-theme', themeBtn = $('#theme');
  function theme() {
    var set = root.dataset.theme;
    return set || (window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  }
  function showTheme() {
    var dark = theme() === 'dark';
    themeBtn.textContent = dark ? 'Light' : 'Dark';
    themeBtn.setAttribute('aria-pressed', String(dark));
  }
  try { if (localStorage.getItem(THEME_KEY)) { root.dataset.theme = localStorage.getItem(THEME_KEY); } } catch (e) { /* storage off */ }
  showTheme();
  themeBtn.addEventListener('click', function () {
    root.dataset.theme = theme() === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(THEME_KEY, root.dataset.theme); } catch (e) { /* storage off: for this page only */ }
    showTheme();
  });

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
          var e = new Error(j.error || ('HTTP ' + r.status));
          e.status = r.status;
          throw e;
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
    if (state.typed && state.report && state.checked !== null) { handEdited(state.checked, text, res.report); }
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
    if (state.resume && !res.pending.length) {
      // After an accept: the next open finding from where the accepted one was, not the first.
      var resume = state.resume;
      state.resume = null;
      select(nextOpenFrom(resume.offset, resume.fp), { toText: true });
    } else {
      select(now && !now.hidden ? now.dataset.id : null, {});
    }
    placeSources();
    keepPasted();
    window.scrollTo(0, scroll);  // a re-check while typing must not move the page
    updateButtons();
  }

  function placeSources() { if (window.tqcheckPlaceSources) { window.tqcheckPlaceSources(view); } }

  // A hand edit that did away with a finding is the editor's decision on it: "edited".  The findings of
  // the last check that touched the changed stretch and are gone from this one are recorded so, and the
  // edit becomes one step of the desk's history (the page's own undo is lost when the view is redrawn).
  function handEdited(before, after, report) {
    state.typed = false;
    var a = 0, b = 0;
    while (a < before.length && a < after.length && before[a] === after[a]) { a++; }
    while (b < before.length - a && b < after.length - a && before[before.length - 1 - b] === after[after.length - 1 - b]) { b++; }
    var end = before.length - b, now = {}, edited = [];
    report.files[0].findings.forEach(function (f) { now[f.fingerprint] = true; });
    state.report.files[0].findings.forEach(function (f) {
      if (f.start <= end && f.end >= a && !now[f.fingerprint] && !state.decisions[f.fingerprint] && edited.indexOf(f.fingerprint) < 0) {
        edited.push(f.fingerprint);
        decide(f.fingerprint, 'edited');
      }
    });
    remember({ before: before, after: after, what: 'Edit', edited: edited });
  }

  function remember(stepDone) {
    state.undo.push(stepDone);
    if (state.undo.length > 100) { state.undo.shift(); }
    state.redo = [];
  }

  function updateButtons() {
    var have = state.text !== null;
    $('#dl-text').disabled = !have;
    $('#dl-json').disabled = !state.report;
    $('#dl-html').disabled = !have;
    $('#dl-diff').disabled = $('#dl-changes').disabled = !(have && state.original !== null);
    $('#fix-all').disabled = !have;
    var save = $('#save');
    if (save) { save.disabled = !(have && state.file); }
    document.body.classList.toggle('has-file', !!state.file);
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

  // --- triage: the filters, the confidence slider, "hide flags without a suggestion", ignored rules ---

  var filterBoxes = Array.prototype.slice.call(document.querySelectorAll('input[data-filter]'));
  var minConf = $('#min-conf'), minConfShown = $('#min-conf-value'), needSuggestion = $('#need-suggestion');

  function passes(c) {
    var off = { category: {}, severity: {} };
    filterBoxes.forEach(function (f) { if (!f.checked) { off[f.dataset.filter][f.value] = true; } });
    return !(off.category[c.dataset.cat] || off.severity[c.dataset.sev] ||
             parseFloat(c.dataset.conf || '1') < parseFloat(minConf.value) ||
             (needSuggestion.checked && !('sug' in c.dataset)) || state.ignored[c.dataset.rule]);
  }

  // Each card shows its decision; a hidden or rejected finding leaves the text unmarked, and a run
  // takes the colour and strength of its first finding still shown.
  function markRejected() {
    minConfShown.textContent = parseFloat(minConf.value).toFixed(2);
    cards().forEach(function (c) {
      var off = isRejected(c.dataset.fp);
      c.classList.toggle('rejected', off);
      c.hidden = !passes(c);
      var btn = c.querySelector('[data-act="reject"]');
      if (btn) { btn.textContent = off ? 'Rejected (undo)' : 'Reject'; btn.setAttribute('aria-pressed', String(off)); }
    });
    view.querySelectorAll('.hl').forEach(function (h) {
      var live = h.dataset.f.split(' ').map(card).filter(function (c) { return c && !c.hidden && !c.classList.contains('rejected'); });
      h.classList.toggle('off', !live.length);
      if (live.length) {
        h.dataset.cat = live[0].dataset.cat;
        h.dataset.sev = live[0].dataset.sev;
        var conf = Math.max.apply(null, live.map(function (c) { return parseFloat(c.dataset.conf || '1'); }));
        h.dataset.strength = conf >= 0.85 ? 'high' : conf >= 0.65 ? 'mid' : 'low';
      }
    });
    if (state.current !== null && card(state.current) && card(state.current).hidden) { select(null); }
    showPosition();
  }
  filterBoxes.concat([needSuggestion]).forEach(function (f) { f.addEventListener('change', markRejected); });
  minConf.addEventListener('input', markRejected);

  function showPosition() {
    var all = cards(), shown = all.filter(function (c) { return !c.hidden; });
    var rejected = shown.filter(function (c) { return c.classList.contains('rejected'); }).length;
    var i = state.current !== null ? shown.indexOf(card(state.current)) : -1;
    pos.textContent = (i >= 0 ? (i + 1) + ' / ' : '') + shown.length +
      (shown.length < all.length ? ' of ' + all.length : '') + (rejected ? ' (' + rejected + ' rejected)' : '');
    summary();
  }

  // The review in numbers: the decisions on this check's findings, and those still open.
  function summary() {
    var n = { accepted: 0, rejected: 0, edited: 0 };
    Object.keys(state.decisions).forEach(function (fp) { var d = state.decisions[fp].decision; if (n[d] !== undefined) { n[d] += 1; } });
    var open = cards().filter(function (c) { return !c.classList.contains('rejected'); }).length;
    $('#summary').textContent = state.report ? n.accepted + ' accepted · ' + n.rejected + ' rejected · ' + n.edited +
      ' edited · ' + open + ' open' : '';
  }

  // An open finding the editor has not set aside: what n, a and r move to.
  function isOpen(c) { return !c.hidden && !c.classList.contains('rejected'); }

  // The first open finding at or after ``offset`` in the text (wrapping round), for "select the next one".
  function nextOpenFrom(offset, skipFp) {
    var open = cards().filter(function (c) { return isOpen(c) && c.dataset.fp !== skipFp; });
    if (!open.length) { return null; }
    var after = open.filter(function (c) { return finding(c.dataset.id).start >= offset; });
    return (after.length ? after[0] : open[0]).dataset.id;
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
    var all = cards().filter(function (c) { return !c.hidden; });
    if (!all.length) { return; }
    var i = all.indexOf(card(state.current));
    if (i < 0) { i = delta > 0 ? -1 : 0; }
    select(all[(i + delta + all.length) % all.length].dataset.id, { toText: true });
  }

  function applyEdits(edits, what, done, fp) {
    if (state.text !== state.checked) { say('The text changed since the last check: checking again first.', true); check(true); return; }
    var before = state.text;
    api('/api/fix', { text: state.text, edits: edits }).then(function (res) {
      if (!res.applied.length) { say('Nothing applied: the text there has changed. Check again.', true); return; }
      if (done) { done(); }
      remember({ before: before, after: res.text, what: what, fp: fp || null });
      setText(res.text);
      say(what + ' · checking…');
      check(true);
    }, function (err) { say('Could not apply: ' + err.message, true); });
  }

  // Keep a decision: in the page at once, and in the file's review record when it came from PATH.
  function decide(fp, decision, reason) {
    if (decision === 'open') { delete state.decisions[fp]; }
    else { state.decisions[fp] = { decision: decision, by: REVIEWER }; if (reason) { state.decisions[fp].reason = reason; } }
    if (!state.file) { keepPasted(); return; }
    var body = { path: state.file.path, fingerprint: fp, decision: decision };
    if (reason) { body.reason = reason; }
    api('/api/decisions', body).then(function (res) {
      if (res.decisions[fp]) { state.decisions[fp] = res.decisions[fp]; }
    }, function (err) { say('Decision not kept: ' + err.message, true); });
  }

  // "Ignore this rule": for this file (its review record and the folder config's per-file-ignores, so CI
  // agrees; for pasted text, this session) or for the folder (written to its tqcheck config by the
  // server, so the rule no longer runs there).
  function ignoreRule(rule, scope, on) {
    var done = function (where) {
      if (on) { state.ignored[rule] = where; } else { delete state.ignored[rule]; }
      markRejected();
      showIgnored();
    };
    if (!state.file) {
      if (scope === 'folder') { say('Pasted text has no folder: the rule is set aside for this text.'); }
      done('session');
      return;
    }
    var body = { rule: rule, scope: scope, path: state.file.path, ignore: on };
    if (scope === 'folder') { delete body.path; }
    api('/api/ignore', body).then(function (res) {
      done(scope);
      if (scope === 'folder') {
        say('“' + rule + '” is off for the folder (in ' + res.config + ') · checking…');
        check();
      } else {
        var warned = (res.warnings && res.warnings.length) ? ' (' + res.warnings.join('; ') + ')' : '';
        say((on ? '“' + rule + '” is set aside for ' + state.name + '.' : '“' + rule + '” is shown again.') + warned,
            Boolean(warned));
      }
    }, function (err) { say('Could not set the rule aside: ' + err.message, true); });
  }

  // The rules set aside for this file, each with a button that brings its findings back.
  function showIgnored() {
    var box = $('#ignored');
    box.textContent = '';
    Object.keys(state.ignored).forEach(function (rule) {
      if (state.ignored[rule] === 'folder') { return; }
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'chip';
      b.dataset.act = 'unignore';
      b.dataset.rule = rule;
      b.title = 'Show this rule\'s findings again';
      b.textContent = rule + ' ×';
      box.appendChild(b);
    });
    box.hidden = !box.childNodes.length;
  }

  function loadDecisions(path) {
    state.decisions = {};
    state.ignored = {};
    return fetch('/api/decisions?path=' + encodeURIComponent(path)).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error); } return j; });
    }).then(function (res) {
      state.decisions = res.decisions || {};
      (res.ignored_rules || []).forEach(function (rule) { state.ignored[rule] = 'file'; });
      showIgnored();
      if (res.warnings && res.warnings.length) { say(res.warnings.join(' '), true); }
    }, function (err) { say('The review record could not be read: ' + err.message, true); });
  }

  function accept(id, choice) {
    var f = id !== null && state.report ? finding(id) : null;
    // The card's Accept buttons follow the finding's fixes (every one, safe or a suggestion), and a fix
    // may be several edits (a word moved): each goes as an edit of the checked text.
    var fx = f && (f.fixes || [])[choice || 0];
    if (!fx) { say('This finding has no suggestion to accept: edit the text by hand (e).', true); return; }
    var edits = fx.edits.map(function (e) {
      return { start: e.start, end: e.end, text: state.checked.slice(e.start, e.end), replacement: e.replacement };
    });
    var sg = edits.map(function (e) { return e.replacement; }).join(' … ');
    var last = fx.edits[fx.edits.length - 1];
    var fp = f.fingerprint;
    applyEdits(edits, 'Accepted “' + sg.trim() + '”', function () {
      state.resume = { offset: last.start + last.replacement.length, fp: fp };
      decide(fp, 'accepted');
    }, fp);
  }

  // Ctrl+Z outside the text: the last accept or edit undone (its findings open again); Ctrl+Y or
  // Ctrl+Shift+Z: redone.
  function undoStep() {
    var last = state.undo.pop();
    if (!last) { say('Nothing to undo.'); return; }
    state.redo.push(last);
    setText(last.before);
    if (last.fp) { decide(last.fp, 'open'); }
    (last.edited || []).forEach(function (fp) { decide(fp, 'open'); });
    say(last.what + ' undone · checking…');
    check(true);
  }
  function redoStep() {
    var next = state.redo.pop();
    if (!next) { say('Nothing to redo.'); return; }
    state.undo.push(next);
    setText(next.after);
    if (next.fp) { decide(next.fp, 'accepted'); }
    (next.edited || []).forEach(function (fp) { decide(fp, 'edited'); });
    say(next.what + ' redone · checking…');
    check(true);
  }

  function reject(id) {
    var c = card(id);
    if (!c) { return; }
    var fp = c.dataset.fp, off = isRejected(fp);
    decide(fp, off ? 'open' : 'rejected');
    markRejected();
    if (!off) { var nxt = nextOpenFrom(finding(id).start, fp); select(nxt, { toText: true }); }
  }

  // "use everywhere": every other full spelling of the entity becomes this one, and so does every short
  // form written the old way: "Qing" after "Qing Gang" -> "Qin Gang" becomes "Qin".
  function words(s) { return s.split(/\s+/).filter(Boolean); }
  function distance(a, b) {
    a = a.toLowerCase(); b = b.toLowerCase();
    var row = [], i, j;
    for (j = 0; j <= b.length; j++) { row.push(j); }
    for (i = 1; i <= a.length; i++) {
      var prev = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        var keep = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = keep;
      }
    }
    return row[b.length];
  }
  // The words of ``spelling`` that a short form stands for: the same places in a full spelling it is
  // part of (when that one has as many words), else the word of ``spelling`` it is closest to.
  function shortFor(short, spelling, fulls) {
    var target = words(spelling), mine = words(short);
    if (target.join(' ').indexOf(short) >= 0 && target.some(function (w) { return mine.indexOf(w) >= 0; })) { return short; }
    for (var k = 0; k < fulls.length; k++) {
      var old = words(fulls[k]);
      if (old.length !== target.length) { continue; }
      for (var i = 0; i + mine.length <= old.length; i++) {
        if (old.slice(i, i + mine.length).join(' ') === mine.join(' ')) { return target.slice(i, i + mine.length).join(' '); }
      }
    }
    if (mine.length !== 1) { return short; }
    var best = null, bestD = Infinity;
    target.forEach(function (w) { var d = distance(w, short); if (d < bestD) { best = w; bestD = d; } });
    return bestD <= Math.max(1, Math.floor(short.length / 3)) ? best : short;
  }
  function spellEverywhere(entity, spelling) {
    var entry = state.report.files[0].names[Number(entity)];
    var fulls = entry.spellings.filter(function (sp) { return !sp.short_form && !sp.misspelt_short_form && !sp.given_name_alone; })
                               .map(function (sp) { return sp.spelling; });
    var edits = [];
    entry.spellings.forEach(function (sp) {
      if (sp.spelling === spelling || sp.given_name_alone) { return; }
      var to = sp.short_form || sp.misspelt_short_form ? shortFor(sp.spelling, spelling, fulls) : spelling;
      if (to === sp.spelling) { return; }
      (sp.offsets || []).forEach(function (o) { edits.push({ start: o[0], end: o[1], text: sp.spelling, replacement: to }); });
    });
    if (!edits.length) { say('“' + spelling + '” is already the only spelling.'); return; }
    applyEdits(edits, '“' + spelling + '” everywhere (' + edits.length + ' changed)');
  }

  // A name finding's "use everywhere": the spelling its fix carries (the ledger's choice), for the entity
  // whose mention it is.
  function spellFinding(id) {
    var f = finding(id), names = state.report.files[0].names || [];
    for (var e = 0; e < names.length; e++) {
      var hit = names[e].spellings.some(function (sp) {
        return (sp.offsets || []).some(function (o) { return o[0] <= f.start && f.end <= o[1]; });
      });
      if (hit) { spellEverywhere(e, f.suggestions[0]); return; }
    }
    accept(id, 0);
  }

  // --- events ----------------------------------------------------------------------------------

  view.addEventListener('click', function (ev) {
    var act = ev.target.closest('[data-act]');
    if (act) {
      ev.preventDefault();
      var c = act.closest('li.finding');
      if (act.dataset.act === 'accept') { select(c.dataset.id); accept(c.dataset.id, Number(act.dataset.choice)); }
      else if (act.dataset.act === 'reject') { select(c.dataset.id); reject(c.dataset.id); }
      else if (act.dataset.act === 'ignore') { ignoreRule(c.dataset.rule, act.dataset.scope, true); }
      else if (act.dataset.act === 'unignore') { ignoreRule(act.dataset.rule, 'file', false); }
      else if (act.dataset.act === 'spell-fix') { select(c.dataset.id); spellFinding(c.dataset.id); }
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

  $('#ignored').addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-act="unignore"]');
    if (b) { ignoreRule(b.dataset.rule, state.ignored[b.dataset.rule] || 'file', false); }
  });

  view.addEventListener('input', function (ev) {
    if (ev.target !== article()) { return; }
    setText(textOf(ev.target));
    state.typed = true;
    placeSources();  // the paragraphs moved: their sources follow
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
    // In the text, Ctrl+Z and Ctrl+Y are the browser's own undo and redo of typing; elsewhere they undo and
    // redo the desk's steps (accepts, "use everywhere", the confident fixes, hand edits once checked).
    var key = (ev.key || '').toLowerCase();
    if ((ev.ctrlKey || ev.metaKey) && !typing && key === 'z') {
      ev.preventDefault();
      if (ev.shiftKey) { redoStep(); } else { undoStep(); }
      return;
    }
    if ((ev.ctrlKey || ev.metaKey) && !typing && key === 'y') { ev.preventDefault(); redoStep(); return; }
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
      if (!state.file && state.saved !== typed) {  // another pasted text: its own review
        state.decisions = {}; state.undo = []; state.redo = []; state.ignored = {}; state.original = typed; showIgnored();
      }
      setText(typed);
      if (!state.file) { state.saved = typed; }
      if (state.original === null) { state.original = typed; }
    }
    $('#inputs').open = false;
    check();
  }
  $('#check').addEventListener('click', startCheck);

  $('#fix-all').addEventListener('click', function () {
    var o = options(state.text);
    var before = state.text;
    api('/api/fix', o).then(function (res) {
      remember({ before: before, after: res.text, what: 'Confident fixes' });
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
  function refreshList(selected) {
    return fetch('/api/files').then(function (r) { return r.json(); }).then(function (res) {
      list.textContent = '';
      (res.files || []).forEach(function (name) {
        var o = document.createElement('option');
        o.value = name;
        o.textContent = name;
        list.appendChild(o);
      });
      if (selected) { list.value = selected; }
    });
  }
  if (list) {
    refreshList();
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
      state.original = res.text;
      state.typed = false;
      state.undo = [];
      state.redo = [];
      try { sessionStorage.setItem(OPEN_KEY, res.path); } catch (e) { /* storage off: no reopen after a reload */ }
      $('#in-text').value = res.text;
      // The source found beside the file (story.zh.txt for story.en.txt) is checked against and shown.
      $('#in-source').value = res.source ? res.source.text : '';
      $('#in-source-lang').value = res.source ? res.source.lang : '';
      if (list) { list.value = res.path; }
      startCheck();
      if (res.source) { say('Checking ' + res.path + ' against its source, ' + res.source.path + '…'); }
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

  function save(how) {
    if (!state.file || state.text === null) { return; }
    var sent = state.text, body = { path: state.file.path, text: sent, sha256: state.file.sha256 };
    if (how === 'mine') { body.overwrite = true; }
    api('/api/save', body).then(function (res) {
      state.file.sha256 = res.sha256;
      state.saved = sent;
      say(res.backup ? 'Saved ' + res.path + ' (the earlier text is in ' + res.backup + ').'
                     : res.path + ' already holds this text: nothing to save.');
    }, function (err) {
      if (err.status === 409 && conflictBox) { $('#conflict-msg').textContent = err.message; conflictBox.showModal(); return; }
      say('Not saved: ' + err.message, true);
    });
  }

  // A save conflict: keep mine (overwrite; theirs goes to a backup), take theirs (open the file as it is
  // now), or save mine under another name, which then is the file open in the desk.
  var conflictBox = $('#conflict');
  function saveAs() {
    var suggested = state.file.path.replace(/(\.[^./]+)$/, '-mine$1');
    var name = window.prompt('Save your text as (a name under the folder):', suggested);
    if (!name) { return; }
    var sent = state.text, decisions = state.decisions;
    api('/api/save', { path: name, text: sent, new: true }).then(function (res) {
      state.file = { path: res.path, sha256: res.sha256 };
      state.name = res.path;
      state.saved = sent;
      try { sessionStorage.setItem(OPEN_KEY, res.path); } catch (e) { /* storage off */ }
      $('#doc-name').textContent = state.name;
      // The decisions go with the text to its new record.
      Object.keys(decisions).forEach(function (fp) { decide(fp, decisions[fp].decision, decisions[fp].reason); });
      refreshList(res.path);
      say('Saved as ' + res.path + '.');
    }, function (err) { say('Not saved: ' + err.message, true); });
  }
  if (conflictBox) {
    conflictBox.addEventListener('click', function (ev) {
      var b = ev.target.closest('[data-conflict]');
      if (!b) { return; }
      conflictBox.close();
      if (b.dataset.conflict === 'mine') { save('mine'); }
      else if (b.dataset.conflict === 'theirs') { state.saved = state.text; openFile(state.file.path); }
      else if (b.dataset.conflict === 'as') { saveAs(); }
    });
  }

  // Tracked changes: the original (as opened or first pasted) against the text now.
  function changes(format, suffix, type) {
    var body = { original: state.original, text: state.text, name: state.name.replace(/^.*\//, ''),
                 lang: state.report ? state.report.files[0].language || null : null, format: format };
    api('/api/changes', body).then(function (out) { download(stem() + suffix, type, out); },
                                    function (err) { say('Could not make the changes: ' + err.message, true); });
  }
  $('#dl-diff').addEventListener('click', function () { changes('diff', '.changes.diff', 'text/x-diff;charset=utf-8'); });
  $('#dl-changes').addEventListener('click', function () { changes('html', '.changes.html', 'text/html;charset=utf-8'); });

  // Pasted text has no review record: its text and decisions are kept for this tab's session, and come
  // back after a reload.
  var PASTED_KEY = 'tqcheck-desk-pasted';
  function keepPasted() {
    if (state.file || state.text === null) { return; }
    try {
      sessionStorage.setItem(PASTED_KEY, JSON.stringify({ text: state.text, original: state.original, saved: state.saved,
                                                          name: state.name, decisions: state.decisions }));
    } catch (e) { /* storage off or full: kept for this page only */ }
  }
  var pasted = null;
  try { pasted = JSON.parse(sessionStorage.getItem(PASTED_KEY) || 'null'); } catch (e) { pasted = null; }
  if (!(list && reopen) && pasted && typeof pasted.text === 'string') {
    state.original = pasted.original;
    state.saved = pasted.saved;
    state.name = pasted.name || state.name;
    state.decisions = pasted.decisions || {};
    setText(pasted.text);
    startCheck();
  }
  var saveBtn = $('#save');
  if (saveBtn) { saveBtn.addEventListener('click', function () { save(); }); }
}());
