// The viewer page: joins a channel as a web peer over the signalling
// WebSocket (rtc/signal/PROTOCOL.md), answers the server's offers, shows each
// native peer's video and keeps the event log of SPEC §6.2 in
// window.edgeEvents. It publishes nothing.
'use strict';

(function () {
  // HEARTBEAT_MS: the page sends a heartbeat this often; the server counts
  // silence from the last one and drops a web peer at 10 s.
  const HEARTBEAT_MS = 500;
  // SERVER_SILENCE_MS: with no message from the server (which sends one at
  // least every 500 ms) for this long, the connection is dead: reconnect.
  // The agent's INTERRUPTED threshold (SPEC §2).
  const SERVER_SILENCE_MS = 4000;
  // BACKOFF_MS: waits before reconnect attempts 1, 2, …; the last repeats.
  // The first is immediate: a resume within 10 s is invisible to everyone.
  const BACKOFF_MS = [0, 250, 500, 1000, 2000, 4000];
  // STALL_MS: a video with no new frame for this long is shown as paused.
  const STALL_MS = 1500;
  // STATS_MS: how often the tiles' frame counters are read.
  const STATS_MS = 250;
  // LOG_MAX: lines kept in the visible log (window.edgeEvents keeps all).
  const LOG_MAX = 300;
  const NAME = /^[A-Za-z0-9_-]{1,64}$/;
  // Refusals after which reconnecting cannot help (PROTOCOL.md, Errors).
  const FATAL_TEXT = {
    INVALID_APP_ID: 'The server knows no such app id.',
    INVALID_CHANNEL_NAME: 'The channel name is not valid.',
    INVALID_TOKEN: 'The token is not valid for this app, channel and uid.',
    TOKEN_EXPIRED: 'The token has expired.',
    REJECTED_BY_SERVER: 'The server refused the session',
  };

  window.edgeEvents = window.edgeEvents || [];

  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $('join'), channel: $('channel'), app: $('app'), uid: $('uid'), token: $('token'),
    join: $('join-btn'), leave: $('leave-btn'), error: $('form-error'), status: $('status'),
    grid: $('grid'), empty: $('empty'), log: $('log'), tile: $('tile-template'),
  };

  // The page's session. cfg is what it joined with; sess the server's
  // session id and resume secret once joined.
  const st = {
    cfg: null, sess: null, ws: null, gen: 0, nonce: '', attempt: 0, timer: 0,
    lastIn: 0, lastOut: 0, pc: null, early: [], chain: Promise.resolve(), state: 'DISCONNECTED',
    peers: new Map(), // uid → {present, tile}
  };

  // ---- events and log ----

  // record keeps a SPEC §6.2 event, stamped now, and shows it.
  function record(event, uid) {
    const e = { event, uid, t: Date.now() };
    window.edgeEvents.push(e);
    logLine(e.t, `${event} uid ${uid}`, 'ev');
  }

  function logLine(t, text, cls) {
    const li = document.createElement('li');
    const time = document.createElement('time');
    const d = new Date(t);
    time.dateTime = d.toISOString();
    time.textContent = d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = text;
    li.append(time, ' ', span);
    ui.log.append(li);
    while (ui.log.children.length > LOG_MAX) ui.log.firstElementChild.remove();
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  const note = (text) => logLine(Date.now(), text, 'note');

  // setState shows the page's own connection state (SPEC §1 names).
  function setState(state, text) {
    if (st.state !== state) note(`connection ${state}`);
    st.state = state;
    ui.status.dataset.state = document.body.dataset.state = state;
    ui.status.textContent = text;
    const live = state !== 'DISCONNECTED' && state !== 'FAILED';
    ui.join.disabled = live;
    ui.leave.disabled = !live;
  }

  // ---- peers and their videos ----

  function peer(uid) {
    let p = st.peers.get(uid);
    if (!p) {
      p = { present: false, tile: null };
      st.peers.set(uid, p);
    }
    return p;
  }

  // present: a native peer became visible (joined, or back after a drop).
  function present(uid) {
    const p = peer(uid);
    if (p.present) return;
    p.present = true;
    record('stream-added', uid);
    tileFor(uid);
    refreshTile(uid);
  }

  // dropped: a native peer went silent for web viewers (10 s); its tile
  // and video element stay, for its return.
  function dropped(uid) {
    const p = st.peers.get(uid);
    if (!p || !p.present) return;
    p.present = false;
    record('stream-removed', uid);
    refreshTile(uid);
  }

  // quit: a native peer left.
  function quit(uid) {
    const p = st.peers.get(uid);
    if (!p) return;
    record('peer-leave', uid);
    if (p.tile) p.tile.el.remove();
    st.peers.delete(uid);
    updateEmpty();
  }

  // tileFor returns uid's tile, making it (and its one video element) once.
  function tileFor(uid) {
    const p = peer(uid);
    if (p.tile) return p.tile;
    const el = ui.tile.content.firstElementChild.cloneNode(true);
    const video = el.querySelector('video');
    el.dataset.uid = video.dataset.uid = String(uid);
    el.querySelector('.name').textContent = `uid ${uid}`;
    video.setAttribute('aria-label', `Video of uid ${uid}`);
    const sound = el.querySelector('.sound');
    sound.addEventListener('click', () => toggleSound(video, sound));
    p.tile = { el, video, sound, badge: el.querySelector('.badge'), stats: el.querySelector('.stats'),
      frames: 0, lastFrame: 0, fpsAt: 0, fpsFrames: 0, fps: 0 };
    insertSorted(el, uid);
    updateEmpty();
    return p.tile;
  }

  function insertSorted(el, uid) {
    const after = [...ui.grid.children].find((c) => Number(c.dataset.uid) > uid);
    ui.grid.insertBefore(el, after || null);
  }

  function updateEmpty() {
    ui.empty.hidden = ui.grid.children.length > 0;
  }

  function toggleSound(video, button) {
    video.muted = !video.muted;
    button.textContent = video.muted ? 'Unmute' : 'Mute';
    button.setAttribute('aria-pressed', String(!video.muted));
  }

  // onTrack shows a downstream track in its peer's video element; the
  // stream id is u<uid> (PROTOCOL.md). The element is reused: a resumed
  // publisher keeps its track, so nothing changes here at all; a publisher
  // whose session ended (20 s of silence) and who joins again gets a new
  // track, shown in the element it had. A tile goes only at peer-leave: an
  // offline camera stays on screen, dimmed, until it comes back or quits.
  function onTrack(ev) {
    const stream = ev.streams[0];
    const m = /^u(\d+)$/.exec(stream ? stream.id : '');
    if (!m) return;
    const uid = Number(m[1]);
    const tile = tileFor(uid);
    // A track that replaces an ended one of the same uid joins the same
    // MediaStream (same stream id on this PeerConnection): the element
    // switches to it by itself.
    if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
    if (ev.track.kind === 'audio') tile.sound.hidden = false;
    tile.video.play().catch(() => {}); // autoplay is allowed: muted.
    refreshTile(uid);
  }

  // refreshTile reads the video's frame counter and shows its state.
  function refreshTile(uid) {
    const p = st.peers.get(uid);
    if (!p || !p.tile) return;
    const t = p.tile;
    const now = performance.now();
    const q = t.video.getVideoPlaybackQuality ? t.video.getVideoPlaybackQuality() : null;
    const frames = q ? q.totalVideoFrames : 0;
    if (frames > t.frames) t.lastFrame = now;
    t.frames = frames;
    if (now - t.fpsAt >= 1000) {
      t.fps = Math.round((frames - t.fpsFrames) * 1000 / (now - t.fpsAt || 1));
      t.fpsAt = now;
      t.fpsFrames = frames;
    }
    showTile(t, tileState(p, now));
  }

  function tileState(p, now) {
    if (!p.present) return ['offline', 'offline'];
    if (p.tile.frames === 0) return ['waiting', 'waiting for video'];
    if (now - p.tile.lastFrame > STALL_MS) return ['paused', 'paused'];
    return ['live', 'live'];
  }

  function showTile(t, [state, text]) {
    if (t.badge.dataset.state !== state) {
      t.badge.dataset.state = t.el.dataset.state = state;
      t.badge.textContent = text;
    }
    const v = t.video;
    const stats = v.videoWidth ? `${v.videoWidth}×${v.videoHeight} · ${t.fps} fps` : '';
    if (t.stats.textContent !== stats) t.stats.textContent = stats;
  }

  setInterval(() => st.peers.forEach((_, uid) => refreshTile(uid)), STATS_MS);

  // ---- signalling ----

  function send(type, data) {
    const ws = st.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify(data ? { v: 1, type, data } : { v: 1, type }));
    st.lastOut = Date.now();
  }

  // connect opens a new WebSocket; a joined session is resumed over it.
  function connect() {
    clearTimeout(st.timer);
    const gen = ++st.gen;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`);
    st.ws = ws;
    st.lastIn = Date.now();
    ws.onmessage = (m) => {
      if (gen !== st.gen) return;
      st.lastIn = Date.now();
      // Timers of a hidden tab may fire only once a second or less; the
      // server's messages still arrive, so they clock the heartbeat too.
      if (st.lastIn - st.lastOut >= HEARTBEAT_MS) send('heartbeat');
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      st.chain = st.chain.then(() => handle(gen, msg)).catch((e) => note(`error: ${e.message || e}`));
    };
    ws.onclose = () => { if (gen === st.gen) lost('the connection closed'); };
  }

  // lost gives up on the current WebSocket and plans the next attempt.
  function lost(why) {
    const ws = st.ws;
    st.gen++;
    st.ws = null;
    if (ws) ws.close();
    if (!st.cfg) return;
    const wait = BACKOFF_MS[Math.min(st.attempt, BACKOFF_MS.length - 1)];
    st.attempt++;
    setState(st.sess ? 'RECONNECTING' : 'CONNECTING', `Reconnecting to ${st.cfg.channel}: ${why}`);
    st.timer = setTimeout(connect, wait);
  }

  // The heartbeat: every HEARTBEAT_MS, and a check for a silent server.
  setInterval(() => {
    if (!st.ws || st.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - st.lastIn > SERVER_SILENCE_MS) {
      lost(`no data from the server for ${SERVER_SILENCE_MS / 1000} s`);
      return;
    }
    send('heartbeat');
  }, HEARTBEAT_MS);

  const handlers = {
    hello: onHello,
    joined: onJoined,
    'peer-joined': (d) => { if (d.kind === 'native') present(d.uid); },
    'peer-offline': (d) => (d.reason === 'QUIT' ? quit(d.uid) : dropped(d.uid)),
    offer: onOffer,
    candidate: onCandidate,
    heartbeat: () => {},
    'token-will-expire': (d) => note(`the token expires at ${new Date(d.token_expiry * 1000).toLocaleString()}`),
    'token-renewed': () => note('token renewed'),
    kicked: (d) => fail('BANNED_BY_SERVER', `Removed by the server${d.message ? ': ' + d.message : ''}`),
    error: onError,
  };

  async function handle(gen, msg) {
    if (gen !== st.gen || !msg || msg.v !== 1) return;
    const h = handlers[msg.type];
    if (h) await h(msg.data || {});
  }

  async function onHello(d) {
    st.nonce = d.nonce;
    const c = st.cfg;
    const join = { app_id: c.app, channel: c.channel, uid: c.uid, kind: 'web' };
    if (c.token) join.token = c.token;
    if (st.sess) {
      const claim = ['edge-agent resume v1', c.app, c.channel, String(c.uid), st.sess.id, d.nonce];
      join.resume = { session: st.sess.id, proof: await proof(st.sess.secret, claim.join('\n')) };
    }
    send('join', join);
  }

  function onJoined(d) {
    const wasJoined = st.sess !== null;
    st.sess = { id: d.session, secret: d.resume_secret };
    st.attempt = 0;
    const how = d.resumed ? 'resumed' : wasJoined ? 'joined again (new session)' : 'joined';
    setState('CONNECTED', `Connected to ${st.cfg.channel} as uid ${st.cfg.uid}`);
    note(`${how} as uid ${st.cfg.uid}`);
    reconcile(d.peers || []);
    newPeerConnection();
  }

  // reconcile applies the server's list of present peers after a (re)join:
  // peers that went away while the page was not connected are removed.
  function reconcile(peers) {
    const native = new Set(peers.filter((p) => p.kind === 'native').map((p) => p.uid));
    st.peers.forEach((p, uid) => { if (p.present && !native.has(uid)) dropped(uid); });
    native.forEach(present);
  }

  function onError(d) {
    const text = `${d.code}${d.message ? ': ' + d.message : ''}`;
    if (d.code === 'RESUME_REJECTED') {
      note(`resume refused (${text}); joining afresh`);
      st.sess = null;
      return onHello({ nonce: st.nonce });
    }
    if (!d.fatal) return note(`refused: ${text}`);
    fail(d.code, FATAL_TEXT[d.code] ? `${FATAL_TEXT[d.code]} (${text})` : text);
  }

  // fail ends the session for good: the user must change something and join.
  function fail(code, text) {
    st.cfg = null;
    st.sess = null;
    lost(code);
    closePeerConnection();
    setState('FAILED', `Failed: ${code}`);
    ui.error.textContent = text;
    if (code === 'INVALID_TOKEN' || code === 'TOKEN_EXPIRED') ui.token.focus();
  }

  // ---- WebRTC ----

  // newPeerConnection replaces the page's PeerConnection: after every
  // joined the server offers on a new one (PROTOCOL.md, Resume).
  function newPeerConnection() {
    closePeerConnection();
    const pc = new RTCPeerConnection();
    pc.ontrack = onTrack;
    pc.onicecandidate = (ev) => sendCandidate(ev.candidate);
    pc.onconnectionstatechange = () => note(`media ${pc.connectionState}`);
    st.pc = pc;
    st.early = [];
  }

  function closePeerConnection() {
    if (st.pc) st.pc.close();
    st.pc = null;
  }

  function sendCandidate(c) {
    if (!c || !c.candidate) {
      send('candidate', { candidate: '' });
      return;
    }
    const d = { candidate: c.candidate };
    if (c.sdpMid != null) d.sdp_mid = c.sdpMid;
    if (c.sdpMLineIndex != null) d.sdp_mline_index = c.sdpMLineIndex;
    if (c.usernameFragment != null) d.username_fragment = c.usernameFragment;
    send('candidate', d);
  }

  // onOffer answers; the page attaches nothing, so the offered receive
  // m-lines are answered inactive and the peers' tracks recvonly.
  async function onOffer(d) {
    const pc = st.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
    const early = st.early;
    st.early = [];
    for (const c of early) await addCandidate(pc, c);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc === st.pc) send('answer', { sdp: pc.localDescription.sdp });
  }

  async function onCandidate(d) {
    const pc = st.pc;
    if (!pc || !d.candidate) return; // "" ends the server's candidates.
    const c = { candidate: d.candidate, sdpMid: d.sdp_mid, sdpMLineIndex: d.sdp_mline_index,
      usernameFragment: d.username_fragment };
    if (!pc.remoteDescription) {
      st.early.push(c);
      return;
    }
    await addCandidate(pc, c);
  }

  async function addCandidate(pc, c) {
    try {
      await pc.addIceCandidate(c);
    } catch (e) {
      note(`candidate refused: ${e.message}`);
    }
  }

  // ---- the resume proof ----

  const b64url = (bytes) => btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  // proof returns base64url(HMAC-SHA256(secret, text)), unpadded.
  async function proof(secret, text) {
    const enc = new TextEncoder();
    const key = enc.encode(secret);
    const msg = enc.encode(text);
    if (!(window.crypto && crypto.subtle)) return b64url(window.edgeHash.hmac(key, msg));
    const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return b64url(new Uint8Array(await crypto.subtle.sign('HMAC', k, msg)));
  }
  // For the tests: the proof by both ways.
  window.edgeProof = { subtle: proof, fallback: (s, t) => b64url(window.edgeHash.hmac(
    new TextEncoder().encode(s), new TextEncoder().encode(t))) };

  // ---- the form ----

  function readForm() {
    const c = { channel: ui.channel.value.trim(), app: ui.app.value.trim() || 'demo',
      token: ui.token.value.trim(), uid: ui.uid.value.trim() };
    if (!NAME.test(c.channel)) return [null, ui.channel, 'The channel must be 1–64 letters, digits, “_” or “-”.'];
    if (!NAME.test(c.app)) return [null, ui.app, 'The app id must be 1–64 letters, digits, “_” or “-”.'];
    if (c.uid === '') {
      c.uid = randomUID();
    } else if (!/^\d{1,10}$/.test(c.uid) || Number(c.uid) < 1 || Number(c.uid) > 4294967295) {
      return [null, ui.uid, 'The uid must be a number from 1 to 4294967295, or empty.'];
    }
    c.uid = Number(c.uid);
    if (/[^\x21-\x7e]/.test(c.token)) return [null, ui.token, 'The token must be printable characters without spaces.'];
    return [c, null, ''];
  }

  // randomUID picks a uid in the upper half of the range, away from the
  // small numbers agents are usually given.
  function randomUID() {
    return (0x80000000 | crypto.getRandomValues(new Uint32Array(1))[0]) >>> 0;
  }

  function join(ev) {
    if (ev) ev.preventDefault();
    const [c, field, err] = readForm();
    ui.error.textContent = err;
    if (!c) {
      field.focus();
      return;
    }
    ui.uid.value = String(c.uid);
    const url = new URL(location.href);
    url.searchParams.set('channel', c.channel);
    url.searchParams.set('app', c.app);
    history.replaceState(null, '', url);
    st.cfg = c;
    st.sess = null;
    st.attempt = 0;
    setState('CONNECTING', `Joining ${c.channel}…`);
    connect();
  }

  function leave() {
    send('leave');
    st.cfg = null;
    st.sess = null;
    lost('left');
    clearTimeout(st.timer);
    closePeerConnection();
    st.peers.forEach((p) => { if (p.tile) p.tile.el.remove(); });
    st.peers.clear();
    updateEmpty();
    setState('DISCONNECTED', 'Not connected');
  }

  function init() {
    const q = new URLSearchParams(location.search);
    ui.channel.value = q.get('channel') || '';
    ui.app.value = q.get('app') || 'demo';
    ui.uid.value = q.get('uid') || '';
    ui.token.value = q.get('token') || '';
    ui.form.addEventListener('submit', join);
    ui.leave.addEventListener('click', leave);
    window.addEventListener('pagehide', () => { if (st.cfg) send('leave'); });
    updateEmpty();
    if (ui.channel.value) join();
    else ui.channel.focus();
  }

  init();
})();
