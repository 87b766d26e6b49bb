// vortexd status page: repositories from /api/v1/repos (every 5 s), configuration changes from the
// WebSocket (subscribed to *:* changes-only: no snapshot of every configuration, however many there
// are). Data reaches the DOM only through textContent and attributes.
(function () {
  'use strict';

  const TOKEN_KEY = 'vortex.token';
  const POLL_MS = 5000;
  const FEED_MAX = 100;
  const RESYNC_MAX = 100;

  const state = {
    info: null,
    token: readToken(),
    tokenWaiters: [],
    repos: [],
    explored: [],             // the explorer's effective keys, from /api/v1/explain
    cards: new Map(),         // repo name → card elements
    subs: new Map(),          // "app:profile:label" → {app, profile, label, version, config}
    resyncBase: new Map(),    // the subs as they were when the socket dropped, for the old values of a resync change
    seenChanges: new Set(),   // "key old new": a change delivered twice is shown once
    ws: null,
    wsTimer: null,
    everConnected: false,
    reposTimer: null,
    reposInFlight: false,
    reposAskedToken: false,
  };

  const $ = (id) => document.getElementById(id);

  // ---- small helpers -------------------------------------------------------------------------

  function readToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function append(parent, ...children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      parent.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }

  function toDate(v) {
    if (v === undefined || v === null || v === '') return null;
    const d = new Date(String(v));
    return isNaN(d.getTime()) ? null : d;
  }

  function seconds(ms) {
    const s = Math.round(ms / 1000);
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' days';
  }

  function ago(d) {
    const ms = Date.now() - d.getTime();
    return ms < 1500 ? 'just now' : seconds(ms) + ' ago';
  }

  function until(d) {
    const ms = d.getTime() - Date.now();
    return ms < 1000 ? 'now' : 'in ' + seconds(ms);
  }

  // A time that keeps itself current: tick() rewrites every [data-at] once a second.
  function timeEl(d, mode, prefix) {
    const t = el('time');
    t.dateTime = d.toISOString();
    t.title = d.toLocaleString();
    t.dataset.at = String(d.getTime());
    t.dataset.mode = mode;
    t.dataset.prefix = prefix || '';
    t.textContent = t.dataset.prefix + (mode === 'until' ? until(d) : ago(d));
    return t;
  }

  function tick() {
    for (const t of document.querySelectorAll('[data-at]')) {
      const d = new Date(Number(t.dataset.at));
      t.textContent = t.dataset.prefix + (t.dataset.mode === 'until' ? until(d) : ago(d));
    }
  }

  function shortSha(sha) {
    const s = String(sha || '');
    return /^[0-9a-f]{40}$/.test(s) ? s.slice(0, 8) : s;
  }

  function shaEl(sha) {
    const c = el('code', 'sha', sha ? shortSha(sha) : '—');
    if (sha) c.title = String(sha);
    return c;
  }

  // The text of an error answer {"status","error","message","path"}.
  function message(body, fallback) {
    return body && typeof body === 'object' && body.message ? String(body.message) : fallback;
  }

  // ---- API and token -------------------------------------------------------------------------

  async function api(method, path, accept) {
    const headers = { Accept: accept || 'application/json' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    const res = await fetch(path, { method: method, headers: headers, cache: 'no-store' });
    let body = null;
    const text = await res.text();
    if ((res.headers.get('Content-Type') || '').includes('json')) {
      try { body = JSON.parse(text); } catch (e) { body = null; }
    } else {
      body = text;
    }
    return { status: res.status, ok: res.ok, body: body };
  }

  // Resolves once the operator has entered a token; every caller waiting is retried with it.
  function askToken(reason) {
    $('token-reason').textContent = reason;
    $('token-panel').hidden = false;
    $('token-input').focus();
    return new Promise((resolve) => state.tokenWaiters.push(resolve));
  }

  function setToken(token) {
    state.token = token;
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage disabled: the token lives as long as the page */ }
    $('forget-token').hidden = !token;
  }

  function wireToken() {
    $('forget-token').hidden = !state.token;
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const token = $('token-input').value.trim();
      if (!token) return;
      setToken(token);
      $('token-input').value = '';
      $('token-panel').hidden = true;
      const waiters = state.tokenWaiters.splice(0);
      waiters.forEach((w) => w());
    });
    $('token-cancel').addEventListener('click', () => {
      $('token-panel').hidden = true;
    });
    $('forget-token').addEventListener('click', () => {
      setToken('');
      reconnectNow();
    });
  }

  // ---- repositories --------------------------------------------------------------------------

  // One repository of GET /api/v1/repos, in the names the page uses (times as Dates).
  function normaliseRepo(r) {
    const refresh = r.last_refresh;
    const error = r.last_error;
    const runs = r.runs || {};
    return {
      name: String(r.name || ''),
      defaultLabel: r.default_label,
      commits: Object.keys(r.commits || {}).sort().map((label) => [label, String(r.commits[label])]),
      lastRefresh: refresh ? {
        at: toDate(refresh.time),
        durationMs: refresh.duration_ms,
        result: String(refresh.result || ''),
        changed: refresh.changed,
        trigger: refresh.trigger,
      } : null,
      lastError: error ? { message: String(error.message || 'unknown error'), url: error.url || null, at: toDate(error.time) } : null,
      attempts: r.attempts,
      nextAttempt: toDate(r.next_attempt),
      inProgress: Boolean(r.in_progress),
      wantCommits: Array.isArray(r.want_commits) ? r.want_commits : [],
      runsOk: runs.ok,
      runsFailed: runs.failed,
      mirrors: (Array.isArray(r.mirrors) ? r.mirrors : []).map((m) => ({
        url: String(m.url || ''),
        result: String(m.result || 'never'),
        at: toDate(m.time),
        error: m.error || null,
        newCommits: m.new_commits,
      })),
      problems: (Array.isArray(r.problems) ? r.problems : []).map((p) => ({
        label: String(p.label || ''), commit: p.commit, problem: String(p.problem || 'does not parse'),
        file: typeof p.file === 'string' ? p.file : null, kept: typeof p.kept === 'string' ? p.kept : null,
      })),
      cipherFailures: (Array.isArray(r.cipher_failures) ? r.cipher_failures : []).map((c) => ({
        file: String(c.file || ''), key: String(c.key || ''), commit: c.commit,
        labels: Array.isArray(c.labels) ? c.labels.map(String) : [], reason: String(c.reason || ''),
      })),
    };
  }

  function failed(result) {
    return result === 'failed';
  }

  // The repository's state in words, and the class that colours it.
  function verdict(r) {
    if (r.inProgress) return { words: 'SYNCING', cls: 'state-busy' };
    if (!r.lastRefresh && r.commits.length === 0) return { words: 'WAITING — first sync pending', cls: 'state-never' };
    if (r.lastRefresh && failed(r.lastRefresh.result)) {
      return { words: 'FAILING', cls: 'state-failing', retry: r.nextAttempt };
    }
    if (r.problems.some((p) => !p.file)) return { words: 'HELD BACK — newest commit refused', cls: 'state-held' };
    if (r.problems.length > 0) return { words: 'HELD BACK — some applications, a file does not parse', cls: 'state-held' };
    return { words: 'OK', cls: 'state-ok' };
  }

  async function loadRepos() {
    if (state.reposInFlight) return;
    state.reposInFlight = true;
    try {
      const res = await api('GET', '/api/v1/repos');
      if (res.status === 401) {
        $('repos-state').textContent = 'The API needs a token to show the repositories.';
        if (!state.reposAskedToken) {
          state.reposAskedToken = true;
          askToken('Reading the repositories needs a bearer token.').then(() => { state.reposAskedToken = false; loadRepos(); });
        }
        return;
      }
      if (!res.ok) {
        $('repos-state').textContent = 'Could not load the repositories: HTTP ' + res.status + ' — ' + message(res.body, 'no detail');
        return;
      }
      const body = res.body && typeof res.body === 'object' ? res.body : {};
      state.repos = (Array.isArray(body.repos) ? body.repos : []).map(normaliseRepo).filter((r) => r.name);
      renderRepos();
      renderFullReload(body.full_reload);
      const n = state.repos.length;
      $('repos-state').textContent = n + (n === 1 ? ' repository' : ' repositories') + ' — updated ';
      $('repos-state').append(timeEl(new Date(), 'ago'));
    } catch (e) {
      $('repos-state').textContent = 'Could not reach the daemon: ' + e.message;
    } finally {
      state.reposInFlight = false;
    }
  }

  // Fetches soon (coalesced): used when the feed shows that a served commit moved.
  function loadReposSoon() {
    if (state.reposTimer) return;
    state.reposTimer = setTimeout(() => { state.reposTimer = null; loadRepos(); }, 100);
  }

  function renderRepos() {
    const root = $('repos');
    const names = new Set(state.repos.map((r) => r.name));
    for (const [name, card] of state.cards) {
      if (!names.has(name)) { card.root.remove(); state.cards.delete(name); }
    }
    for (const r of state.repos) {
      let card = state.cards.get(r.name);
      if (!card) {
        card = makeCard(r.name);
        state.cards.set(r.name, card);
      }
      root.append(card.root); // keeps the API's order
      fillCard(card, r);
    }
  }

  function makeCard(name) {
    const root = $('repo-template').content.firstElementChild.cloneNode(true);
    root.dataset.repo = name;
    const card = {
      root: root,
      name: name,
      badge: root.querySelector('.badge'),
      body: root.querySelector('.repo-body'),
      refresh: root.querySelector('.refresh'),
      refreshResult: root.querySelector('.refresh-result'),
      labelSelect: root.querySelector('.diff-label'),
      diffForm: root.querySelector('.diff-form'),
      diffResult: root.querySelector('.diff-result'),
    };
    root.querySelector('.repo-name').textContent = name;
    card.refresh.addEventListener('click', () => refreshRepo(card));
    card.diffForm.addEventListener('submit', (ev) => { ev.preventDefault(); showDiff(card); });
    return card;
  }

  function fillCard(card, r) {
    card.repo = r;
    const v = verdict(r);
    card.badge.className = 'badge ' + v.cls;
    card.badge.textContent = v.words;
    if (v.retry) card.badge.append(timeEl(v.retry, 'until', ' — retry '));
    card.root.dataset.state = v.cls.replace('state-', '');

    const body = el('div', 'repo-body');
    const table = el('table', 'labels');
    const head = table.createTHead().insertRow();
    append(head, el('th', null, 'Label'), el('th', null, 'Serving commit'));
    const tbody = table.createTBody();
    if (r.defaultLabel && !r.commits.some((c) => c[0] === r.defaultLabel)) {
      // requests naming no label get nothing until this label serves a commit (see Last error)
      const row = tbody.insertRow();
      row.dataset.label = r.defaultLabel;
      const l = el('td', null, r.defaultLabel);
      l.append(el('span', 'default-mark', ' (default)'));
      append(row, l, el('td', 'error-text', 'not served — see Last error'));
    } else if (r.commits.length === 0) {
      const row = tbody.insertRow();
      const td = el('td', 'muted', 'No commit served yet.');
      td.colSpan = 2;
      row.append(td);
    }
    for (const [label, sha] of r.commits) {
      const row = tbody.insertRow();
      row.dataset.label = label;
      const l = el('td', null, label);
      if (label === r.defaultLabel) l.append(el('span', 'default-mark', ' (default)'));
      const s = el('td');
      s.append(shaEl(sha));
      append(row, l, s);
    }
    body.append(table);

    const facts = el('dl', 'facts');
    const fact = (name, ...value) => {
      facts.append(el('dt', null, name));
      facts.append(append(el('dd'), ...value));
    };
    if (r.lastRefresh) {
      const lr = r.lastRefresh;
      const bits = [];
      bits.push(failed(lr.result) ? 'FAILED' : (lr.result || 'done').toUpperCase());
      if (lr.durationMs !== undefined) bits.push(lr.durationMs + ' ms');
      if (lr.changed !== undefined) bits.push(lr.changed ? 'changed' : 'no change');
      if (lr.trigger) bits.push('by ' + lr.trigger);
      fact('Last refresh', lr.at ? timeEl(lr.at, 'ago') : 'at an unknown time', ' — ' + bits.join(', '));
    } else {
      fact('Last refresh', 'none yet');
    }
    if (r.lastError) {
      const e = r.lastError;
      fact('Last error', el('span', 'error-text', e.message),
        e.url ? ' (mirror ' + e.url + ')' : null,
        e.at ? ' — ' : null, e.at ? timeEl(e.at, 'ago') : null);
    } else {
      fact('Last error', 'none');
    }
    fact('Next attempt', r.inProgress ? 'running now' : r.nextAttempt ? timeEl(r.nextAttempt, 'until') : 'not scheduled');
    if (r.attempts !== undefined) fact('Failed attempts in a row', String(r.attempts));
    if (r.runsOk !== undefined || r.runsFailed !== undefined) {
      fact('Runs since start', (r.runsOk || 0) + ' ok, ' + (r.runsFailed || 0) + ' failed');
    }
    if (r.wantCommits.length > 0) {
      fact('Waiting for pushed commits', ...r.wantCommits.flatMap((c, i) => i === 0 ? [shaEl(c)] : [', ', shaEl(c)]));
    }
    for (const p of r.problems) {
      if (p.file) {
        // the problem text names the file, line and the applications held back
        fact('Does not parse', el('span', 'error-text', p.problem), ' — ', shaEl(p.commit), ' on ' + p.label,
          ...(p.kept ? ['; they stay on ', shaEl(p.kept)] : ['; nothing to serve them (422)']));
      } else {
        fact('Refused commit', el('span', 'error-text', p.problem), ' — ', shaEl(p.commit), ' on ' + p.label);
      }
    }
    for (const c of r.cipherFailures) {
      // file and key only: the value is never sent to the page
      fact('Cannot decrypt', el('code', null, c.file), ' key ', el('code', 'cipher-key', c.key),
        ' — served as invalid.' + c.key + ': <n/a> on ' + c.labels.join(', ') + ' (', shaEl(c.commit), ') — ',
        el('span', 'error-text', c.reason));
    }
    body.append(facts);

    if (r.mirrors.length > 0) {
      body.append(el('h4', 'muted', r.mirrors.length === 1 ? 'Remote' : 'Mirrors (primary first)'));
      const ul = el('ul', 'mirrors');
      for (const m of r.mirrors) {
        const li = el('li');
        const ok = /^ok$/i.test(m.result);
        const words = ok ? 'OK' : failed(m.result) ? 'FAILED' : m.result === 'never' ? 'NOT TRIED' : m.result.toUpperCase();
        li.append(el('span', 'mirror-state ' + (ok ? 'state-ok' : failed(m.result) ? 'state-failing' : 'state-never'), words));
        li.append(el('code', null, m.url));
        if (m.at) append(li, ' — ', timeEl(m.at, 'ago'));
        if (m.newCommits) li.append(' — ' + m.newCommits + ' new commit' + (m.newCommits === 1 ? '' : 's'));
        if (m.error) append(li, ' — ', el('span', 'error-text', m.error));
        ul.append(li);
      }
      body.append(ul);
    }
    card.body.replaceWith(body);
    card.body = body;

    const chosen = card.labelSelect.value;
    card.labelSelect.replaceChildren();
    for (const [label, sha] of r.commits) {
      const o = el('option', null, label + ' @ ' + shortSha(sha));
      o.value = label;
      card.labelSelect.append(o);
    }
    if (chosen && r.commits.some((c) => c[0] === chosen)) card.labelSelect.value = chosen;
    else if (r.defaultLabel && r.commits.some((c) => c[0] === r.defaultLabel)) card.labelSelect.value = r.defaultLabel;
  }

  // The periodic full reload (consistency recovery), one line under the repositories.
  function renderFullReload(f) {
    const p = $('full-reload');
    if (!f || typeof f !== 'object') { p.hidden = true; return; }
    p.hidden = false;
    p.replaceChildren('Full reload: ');
    const last = toDate(f.last);
    if (last) {
      append(p, 'last ', timeEl(last, 'ago'), ' (' + f.duration_ms + ' ms, ' + f.repos + ' repositories, '
        + f.labels_changed + ' labels moved, ' + f.problems + ' problems, ' + f.errors + ' errors)');
    } else {
      p.append('not run yet');
    }
    const next = toDate(f.next);
    if (next) append(p, '; next ', timeEl(next, 'until'), '.');
  }

  async function refreshRepo(card) {
    card.refresh.disabled = true;
    card.refreshResult.textContent = 'Refreshing…';
    try {
      const res = await api('POST', '/api/v1/repos/' + encodeURIComponent(card.name) + '/refresh?wait=30s');
      if (res.status === 401) {
        card.refreshResult.textContent = 'A token is needed to refresh.';
        askToken('Refreshing "' + card.name + '" needs a bearer token.').then(() => refreshRepo(card));
        return;
      }
      const b = res.body || {};
      if (res.status === 504) {
        card.refreshResult.textContent = 'Still running after 30 s; the status below will show the result.';
      } else if (!res.ok) {
        card.refreshResult.textContent = 'Refresh refused: HTTP ' + res.status + ' — ' + message(b, 'no detail');
      } else if (res.status === 202) {
        card.refreshResult.textContent = 'Refresh started.';
      } else if (b.error) {
        card.refreshResult.textContent = 'Refresh FAILED after ' + b.duration_ms + ' ms: ' + b.error;
      } else {
        card.refreshResult.textContent = 'Refreshed in ' + b.duration_ms + ' ms — '
          + (b.changed ? 'new commits served.' : 'no change.');
      }
      card.refreshResult.append(' (', timeEl(new Date(), 'ago'), ')');
      loadRepos();
    } catch (e) {
      card.refreshResult.textContent = 'Refresh failed: ' + e.message;
    } finally {
      card.refresh.disabled = false;
    }
  }

  async function showDiff(card) {
    const f = card.diffForm;
    const label = card.labelSelect.value;
    const served = (card.repo.commits.find((c) => c[0] === label) || [])[1];
    const out = card.diffResult;
    if (!served) { out.textContent = 'This repository serves no commit yet.'; return; }
    const q = new URLSearchParams({
      from: f.querySelector('.diff-from').value.trim(),
      to: served,
      app: f.querySelector('.diff-app').value.trim(),
      profile: f.querySelector('.diff-profile').value.trim(),
    });
    out.textContent = 'Loading…';
    try {
      const res = await api('GET', '/api/v1/repos/' + encodeURIComponent(card.name) + '/diff?' + q);
      if (res.status === 401) {
        out.textContent = 'A token is needed for the diff.';
        askToken('The diff needs a bearer token.').then(() => showDiff(card));
        return;
      }
      if (!res.ok) {
        out.textContent = 'No diff: HTTP ' + res.status + ' — ' + message(res.body, 'no detail');
        return;
      }
      const patch = Array.isArray(res.body) ? res.body : [];
      out.replaceChildren(el('p', null, q.get('app') + '/' + q.get('profile') + ' from ' + shortSha(q.get('from'))
        + ' to ' + shortSha(served) + ': ' + (patch.length === 0 ? 'no difference.' : patch.length + ' change' + (patch.length === 1 ? '' : 's') + '.')));
      if (patch.length > 0) out.append(opsList(patch, null));
    } catch (e) {
      out.textContent = 'No diff: ' + e.message;
    }
  }

  // ---- configuration explorer (GET /api/v1/explain without key) ---------------------------

  async function explore() {
    const out = $('explore-state');
    const q = new URLSearchParams({
      app: $('explore-app').value.trim(),
      profile: $('explore-profile').value.trim() || 'default',
    });
    const label = $('explore-label').value.trim();
    if (label) q.set('label', label);
    out.textContent = 'Loading…';
    try {
      const res = await api('GET', '/api/v1/explain?' + q);
      if (res.status === 401) {
        out.textContent = 'A token is needed for the explorer.';
        askToken('The explorer needs a bearer token.').then(explore);
        return;
      }
      if (!res.ok) {
        state.explored = [];
        renderExplored();
        out.textContent = 'Nothing to show: HTTP ' + res.status + ' — ' + message(res.body, 'no detail');
        return;
      }
      state.explored = Array.isArray(res.body.keys) ? res.body.keys : [];
      out.textContent = q.get('app') + '/' + q.get('profile') + ' at ' + res.body.label + ' ('
        + shortSha(res.body.commit) + '): ' + state.explored.length + ' keys.';
      renderExplored();
    } catch (e) {
      out.textContent = 'Nothing to show: ' + e.message;
    }
  }

  // file:line of a key's value; the full source name and line:column on hover
  function whereEl(k) {
    const line = k.origin ? ':' + String(k.origin).split(':')[0] : '';
    const td = el('td', 'where', k.file ? k.file + line : String(k.source));
    td.title = String(k.source) + (k.origin ? ' at line:column ' + k.origin : '');
    return td;
  }

  function renderExplored() {
    const all = state.explored || [];
    const needle = $('explore-search').value.trim().toLowerCase();
    const rows = [];
    for (const k of all) {
      const where = whereEl(k);
      const text = (k.key + ' ' + show(k.value) + ' ' + where.textContent).toLowerCase();
      if (needle && !text.includes(needle)) continue;
      const tr = el('tr');
      tr.dataset.key = k.key;
      append(tr, el('td', 'key', k.key), el('td', 'value', show(k.value)), where);
      rows.push(tr);
    }
    $('explore-rows').replaceChildren(...rows);
    $('explore-count').textContent = all.length === 0 ? '' : rows.length + ' of ' + all.length + ' keys shown.';
  }

  function wireExplorer() {
    $('explore-form').addEventListener('submit', (e) => { e.preventDefault(); explore(); });
    $('explore-search').addEventListener('input', renderExplored);
  }

  // ---- sessions count (from /metrics) ------------------------------------------------------

  async function loadSessions() {
    try {
      const res = await api('GET', '/metrics', 'text/plain');
      const text = typeof res.body === 'string' ? res.body : '';
      let total = null;
      for (const line of text.split('\n')) {
        const m = /^vortex_ws_sessions(?:\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
        if (m) total = (total || 0) + Number(m[1]);
      }
      $('sessions').textContent = total === null ? 'unknown' : String(total);
    } catch (e) {
      $('sessions').textContent = 'unknown';
    }
  }

  // ---- live feed over the WebSocket -------------------------------------------------------

  function wsState(words, cls) {
    const s = $('ws-state');
    s.textContent = words;
    s.className = 'state ' + cls;
  }

  async function connect() {
    state.wsTimer = null;
    if (!state.info.ws_port) {
      // the WebSocket server starts after the HTTP server: ask again until it has a port
      try {
        const res = await api('GET', '/api/v1/info');
        if (res.ok && res.body && typeof res.body === 'object') state.info = res.body;
      } catch (e) { /* the daemon is unreachable: retried below */ }
      if (!state.info.ws_port) {
        scheduleReconnect('port not known yet');
        return;
      }
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    let url = scheme + '://' + location.hostname + ':' + state.info.ws_port + '/ws';
    if (state.token) url += '?token=' + encodeURIComponent(state.token);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      scheduleReconnect('could not open: ' + e.message);
      return;
    }
    state.ws = ws;
    let refusedForToken = false;
    ws.addEventListener('open', () => {
      const reconnect = state.everConnected;
      state.everConnected = true;
      wsState('live', 'state-ok');
      $('feed-state').textContent = 'Subscribed to every configuration (*:*), changes only: watching for changes.';
      ws.send(JSON.stringify({ type: 'subscribe', patterns: ['*:*'], snapshots: false }));
      if (reconnect) {
        // A new session starts empty: subscribe again, then ask for what was missed by the configurations
        // seen changing (the most recent ones: each resync is a subscription of its own).
        state.resyncBase = new Map(state.subs);
        for (const s of [...state.subs.values()].slice(-RESYNC_MAX)) {
          ws.send(JSON.stringify({ type: 'resync', last_version: s.version, app: s.app, profile: s.profile, label: s.label }));
        }
      }
    });
    ws.addEventListener('message', (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m && m.type === 'error' && m.code === 'UNAUTHORIZED') refusedForToken = true;
      onMessage(m);
    });
    ws.addEventListener('close', (ev) => {
      if (state.ws !== ws) return; // replaced on purpose
      state.ws = null;
      if (ev.code === 4401 || refusedForToken) {
        wsState('needs a token', 'state-failing');
        $('feed-state').textContent = 'The WebSocket refused the token.';
        askToken('The live feed needs a bearer token.').then(reconnectNow);
        return;
      }
      scheduleReconnect(ev.code === 1006 ? 'connection lost' : 'closed with code ' + ev.code + (ev.reason ? ' (' + ev.reason + ')' : ''));
    });
  }

  // Waits a random 0.5–5 s so that many pages do not all come back at the same instant.
  function scheduleReconnect(why) {
    if (state.wsTimer) return;
    const delay = 500 + Math.random() * 4500;
    wsState('reconnecting…', 'state-waiting');
    $('feed-state').textContent = 'WebSocket ' + why + '; reconnecting…';
    state.wsTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (state.wsTimer) { clearTimeout(state.wsTimer); state.wsTimer = null; }
    const old = state.ws;
    state.ws = null;
    if (old) old.close(1000, 'reconnecting');
    wsState('connecting…', 'state-waiting');
    connect();
  }

  function subKey(m) {
    return m.app + ':' + m.profile + ':' + m.label;
  }

  function remember(datalist, value) {
    const list = $(datalist);
    if (!value || [...list.options].some((o) => o.value === value)) return;
    const o = document.createElement('option');
    o.value = value;
    list.append(o);
  }

  function onMessage(m) {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'config_snapshot': {
        state.subs.set(subKey(m), { app: m.app, profile: m.profile, label: m.label, version: m.version, config: m.config || {} });
        remember('known-apps', m.app);
        remember('known-profiles', m.profile);
        feedCount();
        break;
      }
      case 'config_change':
        onChange(m);
        break;
      case 'error':
        $('feed-state').textContent = 'The server said: ' + (m.code || 'error') + ' — ' + (m.message || '');
        break;
      case 'subscribed':
        loadSessions(); // this session now counts
        break;
      default:
        break; // unsubscribed and anything newer: nothing to show
    }
  }

  function feedCount() {
    if (!state.ws) return;
    const n = state.subs.size;
    $('feed-state').textContent = 'Subscribed to every configuration (*:*), changes only: watching ' + n
      + (n === 1 ? ' configuration.' : ' configurations.');
  }

  function onChange(m) {
    const key = subKey(m);
    const seen = key + ' ' + m.old_version + ' ' + m.new_version;
    const diff = Array.isArray(m.diff) ? m.diff : [];
    const sub = state.subs.get(key);
    const base = state.resyncBase.get(key);
    let before = null;
    if (base && base.version === m.old_version) { before = base.config; state.resyncBase.delete(key); }
    else if (sub && sub.version === m.old_version) before = sub.config;
    else if (m.previous && typeof m.previous === 'object') before = m.previous; // changes-only: the old values come with it

    if (sub && sub.version === m.old_version) {
      sub.config = applyPatch(sub.config, diff);
      sub.version = m.new_version;
    } else if (!sub || m.previous) {
      // first seen, or a changes-only change (it says what it replaced): known from here on
      state.subs.set(key, { app: m.app, profile: m.profile, label: m.label, version: m.new_version,
        config: applyPatch(Object.assign({}, sub ? sub.config : {}, m.previous || {}), diff) });
      if (state.subs.size > 5000) state.subs.delete(state.subs.keys().next().value);
    } else if (sub.version !== m.new_version && state.ws) {
      // a change we cannot apply: something was missed, ask for what leads from our version to now
      state.ws.send(JSON.stringify({ type: 'resync', last_version: sub.version, app: sub.app, profile: sub.profile, label: sub.label }));
    }
    if (state.seenChanges.has(seen)) return;
    state.seenChanges.add(seen);
    if (state.seenChanges.size > 1000) state.seenChanges.delete(state.seenChanges.values().next().value);
    addFeedEntry(m, key, diff, before);
    loadReposSoon();
  }

  // Flattened keys make every path a single segment: add/replace set it, remove deletes it.
  function applyPatch(config, diff) {
    const out = Object.assign({}, config);
    for (const op of diff) {
      const k = pointerKey(op.path);
      if (op.op === 'remove') delete out[k];
      else if (op.op === 'add' || op.op === 'replace') out[k] = op.value;
      else if (op.op === 'move' || op.op === 'copy') {
        const from = pointerKey(op.from);
        out[k] = out[from];
        if (op.op === 'move') delete out[from];
      }
    }
    return out;
  }

  function pointerKey(path) {
    return String(path || '').replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  }

  function show(v) {
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  function opsList(diff, before) {
    const ul = el('ul', 'ops');
    const words = { add: 'added', remove: 'removed', replace: 'changed', move: 'moved', copy: 'copied', test: 'tested' };
    for (const op of diff) {
      const li = el('li', 'op-' + op.op);
      const key = pointerKey(op.path);
      li.append(el('span', 'op', words[op.op] || op.op), el('code', null, key));
      if (op.op === 'replace' && before && key in before) {
        append(li, ': ', el('code', null, show(before[key])), ' → ', el('code', null, show(op.value)));
      } else if (op.op === 'add' || op.op === 'replace') {
        append(li, ': ', el('code', null, show(op.value)));
      } else if (op.op === 'remove' && before && key in before) {
        append(li, ' (was ', el('code', null, show(before[key])), ')');
      } else if (op.from !== undefined) {
        append(li, ' from ', el('code', null, pointerKey(op.from)));
      }
      ul.append(li);
    }
    return ul;
  }

  function addFeedEntry(m, key, diff, before) {
    const li = el('li', 'change');
    li.dataset.key = key;
    li.dataset.newVersion = m.new_version || '';
    const head = el('div', 'change-head');
    const at = toDate(m.timestamp) || new Date();
    const t = el('time', null, at.toLocaleTimeString());
    t.dateTime = at.toISOString();
    append(head, t, el('span', 'change-key', key), shaEl(m.old_version), '→', shaEl(m.new_version),
      el('span', 'muted', diff.length + (diff.length === 1 ? ' change' : ' changes')));
    li.append(head, opsList(diff, before));
    const feed = $('feed');
    feed.prepend(li);
    while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
    $('feed-empty').hidden = true;
  }

  // ---- configuration reload (SIGHUP) ------------------------------------------------------------

  /** Shows the outcome of the last reload: a refused file keeps the running configuration, details are in the log. */
  function showReload(r) {
    const box = $('config-reload');
    if (!r || typeof r !== 'object' || !r.result) {
      box.hidden = true;
      return;
    }
    const ok = r.result === 'ok' || r.result === 'unchanged';
    let text = r.result + ' at ' + String(r.at);
    if (!ok) text += ' (' + r.problems + (r.problems === 1 ? ' problem' : ' problems') + ', running configuration kept; see the log)';
    if (Array.isArray(r.need_restart) && r.need_restart.length) text += '; needs a restart: ' + r.need_restart.join(', ');
    const strong = $('config-reload-state');
    strong.textContent = text;
    strong.className = 'state ' + (ok && !(r.need_restart || []).length ? 'state-ok' : (ok ? 'state-held' : 'state-failing'));
    box.hidden = false;
  }

  async function loadInfo() {
    try {
      const res = await api('GET', '/api/v1/info');
      if (res.ok && res.body && typeof res.body === 'object') showReload(res.body.config_reload);
    } catch (e) {
      // the next poll tries again
    }
  }

  // ---- replicas (GET /api/v1/cluster) ---------------------------------------------------------

  const RELATION = { same: 'same commit', ahead: 'AHEAD of this replica', behind: 'behind this replica',
    diverged: 'DIVERGED (force-push?)', unknown: 'AHEAD — a commit this replica has not fetched yet' };

  async function loadCluster() {
    let body;
    try {
      const res = await api('GET', '/api/v1/cluster');
      if (!res.ok || !res.body || typeof res.body !== 'object') return;
      body = res.body;
    } catch (e) {
      return;
    }
    const peers = Array.isArray(body.peers) ? body.peers : [];
    const replicas = Array.isArray(body.replicas) ? body.replicas : [];
    $('cluster-section').hidden = !body.enabled && replicas.length === 0;
    if ($('cluster-section').hidden) return;
    const stale = body.stale && typeof body.stale === 'object' ? Object.entries(body.stale) : [];
    $('cluster-state').textContent = 'This replica: ' + body.replica + (stale.length === 0 ? ' — up to date'
      : ' — STALE: ' + stale.map(([repo, why]) => repo + ': ' + (Array.isArray(why) ? why.join('; ') : why)).join(' · '))
      + (body.dns_error ? ' — ' + body.dns_error : '');
    const peerRows = $('cluster-peers').tBodies[0];
    peerRows.replaceChildren(...peers.map((p) => {
      const failing = p.state === 'failing';
      const state = failing ? 'FAILING (' + p.failures + ' in a row' + (p.next_retry ? ', retry ' : ')') : p.state === 'ok' ? 'OK' : 'not contacted yet';
      const stateCell = el('td', failing ? 'state state-failing' : 'state', state);
      if (failing && p.next_retry) { stateCell.append(timeEl(toDate(p.next_retry), 'until')); stateCell.append(')'); }
      const lastOk = el('td');
      if (p.last_ok) lastOk.append(timeEl(toDate(p.last_ok), 'ago'));
      else lastOk.textContent = 'never';
      return append(el('tr'), el('td', null, p.url), stateCell, lastOk, el('td', null, p.last_error ? p.last_error.message : '—'));
    }));
    const rows = [];
    const own = body.serves && typeof body.serves === 'object' ? body.serves : {};
    Object.entries(own).forEach(([repo, labels]) => Object.entries(labels || {}).forEach(([label, commit]) =>
      rows.push(append(el('tr'), el('td', null, body.replica + ' (this one)'), el('td', null, repo), el('td', null, label),
        append(el('td'), shaEl(commit)), el('td', null, '—')))));
    replicas.forEach((r) => Object.entries(r.serves || {}).forEach(([repo, labels]) => Object.entries(labels || {}).forEach(([label, s]) => {
      const against = el('td', s.relation === 'same' || s.relation === 'behind' ? null : 'state state-failing', RELATION[s.relation] || s.relation);
      if (s.relation !== 'same') { against.append(', since '); against.append(timeEl(toDate(s.since), 'ago')); }
      rows.push(append(el('tr'), el('td', null, r.replica), el('td', null, repo), el('td', null, label), append(el('td'), shaEl(s.commit)), against));
    })));
    $('cluster-serves').tBodies[0].replaceChildren(...rows);
  }

  // ---- start ---------------------------------------------------------------------------------

  async function start() {
    wireToken();
    wireExplorer();
    try {
      const res = await api('GET', '/api/v1/info');
      state.info = res.ok && res.body && typeof res.body === 'object' ? res.body : {};
    } catch (e) {
      state.info = {};
    }
    $('version').textContent = state.info.version ? 'version ' + state.info.version : '';
    showReload(state.info.config_reload);
    if (state.info.auth_required && !state.token) {
      $('repos-state').textContent = 'Waiting for a token…';
      wsState('waiting for a token', 'state-waiting');
      await askToken('This daemon asks for a bearer token for its API and live feed.');
    }
    loadRepos();
    loadSessions();
    if (state.info.cluster) {
      loadCluster();
      setInterval(loadCluster, POLL_MS);
    }
    setInterval(loadRepos, POLL_MS);
    setInterval(loadSessions, POLL_MS);
    setInterval(loadInfo, POLL_MS);
    setInterval(tick, 1000);
    connect();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
