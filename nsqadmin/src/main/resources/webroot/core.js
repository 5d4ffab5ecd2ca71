/* nsqadmin page core: API calls, the live event stream, formatting, confirmation and notices.
   Plain browser JavaScript, no build step; everything hangs off window.NSQ. */
(function () {
  "use strict";
  const BASE = window.NSQ_BASE || "";

  /** HTML-escapes any value for use inside markup and attributes. */
  function esc(v) {
    return String(v == null ? "" : v).replace(/[&<>"']/g, c =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function num(n) { return n == null ? "–" : Number(n).toLocaleString("en-US"); }

  function rate(r) {
    if (r == null) return "–";
    if (r >= 100) return Math.round(r).toLocaleString("en-US") + "/s";
    return (Math.round(r * 10) / 10).toLocaleString("en-US") + "/s";
  }

  /** Go-like short duration from seconds: 3h4m, 5m12s, 8s. */
  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
      m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d) return d + "d" + h + "h";
    if (h) return h + "h" + m + "m";
    if (m) return m + "m" + s + "s";
    return s + "s";
  }

  function href(path) { return BASE + path; }

  /** Replaces an element's markup only when it changed, so an idle page keeps hover, focus and selection. */
  function setHtml(el, html) {
    if (el._nsqHtml === html) return;
    el._nsqHtml = html;
    el.innerHTML = html;
  }
  function enc(s) { return encodeURIComponent(s); }

  /** Calls the JSON API; resolves with the body, rejects with an Error carrying NSQ's message. */
  async function api(method, path, body) {
    const opts = { method, headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(BASE + path, opts);
    } catch (e) {
      throw new Error("nsqadmin is unreachable (" + e.message + ")");
    }
    const text = await resp.text();
    let json = null;
    try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
    if (!resp.ok) {
      const err = new Error((json && json.message) || (resp.status + " " + resp.statusText));
      err.status = resp.status;
      throw err;
    }
    return json;
  }

  // ---------------------------------------------------------------- notices

  const banner = () => document.getElementById("banner");

  /** Shows (or clears) the page's upstream warning: a node down, a lookupd unreachable. */
  function setBanner(message, isError) {
    const b = banner();
    if (!message) { b.hidden = true; b.textContent = ""; return; }
    b.hidden = false;
    b.className = "banner" + (isError ? " error" : "");
    b.innerHTML = "<b>" + (isError ? "Error" : "Warning") + "</b>" + esc(message.replace(/^WARNING: /, ""));
  }

  let toastTimer = null;
  function toast(message, kind) {
    const t = document.getElementById("toast");
    t.textContent = message;
    t.className = "toast" + (kind ? " " + kind : "");
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, kind === "error" ? 8000 : 4000);
  }

  /** Asks before a destructive action; resolves true when confirmed. */
  function confirmAction(title, text, okLabel) {
    const d = document.getElementById("confirm");
    document.getElementById("confirm-title").textContent = title;
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-ok").textContent = okLabel || "Confirm";
    return new Promise(resolve => {
      d.addEventListener("close", () => resolve(d.returnValue === "ok"), { once: true });
      d.returnValue = "";
      d.showModal();
    });
  }

  /** Runs an action after confirmation; reports NSQ's answer (a WARNING when some node failed). */
  async function act(confirm, method, path, body, done) {
    if (confirm && !(await confirmAction(confirm.title, confirm.text, confirm.ok))) return;
    try {
      const r = await api(method, path, body);
      const doneText = confirm && confirm.doneText ? confirm.doneText : "Done";
      // a 200 with a WARNING: the action reached the nodes that answered, not the others
      if (r && r.message) toast(doneText + ", but not everywhere: " + r.message.replace(/^WARNING: /, ""), "warn");
      else toast(doneText);
      if (done) done(r);
    } catch (e) {
      toast(e.message, "error");
    }
  }

  // ---------------------------------------------------------------- live stream

  const live = { snap: null, listeners: new Set(), source: null };

  function connectLive() {
    const el = document.getElementById("live");
    const label = el.querySelector("span");
    const es = new EventSource(BASE + "/api/events");
    live.source = es;
    es.onopen = () => { el.className = "live on"; label.textContent = "live"; };
    es.onerror = () => { el.className = "live off"; label.textContent = "reconnecting"; };
    es.addEventListener("sample", ev => {
      let snap;
      try { snap = JSON.parse(ev.data); } catch (e) { return; }
      live.snap = snap;
      el.className = "live on";
      label.textContent = "live · every " + Math.round(snap.interval_ms / 100) / 10 + "s";
      live.listeners.forEach(l => { try { l(snap); } catch (e) { console.error(e); } });
    });
  }

  function onSample(fn) { live.listeners.add(fn); return () => live.listeners.delete(fn); }

  function topicOfSnap(name) {
    return live.snap ? (live.snap.topics || []).find(t => t.topic_name === name) : null;
  }

  window.NSQ = { BASE, esc, setHtml, num, rate, duration, href, enc, api, setBanner, toast, confirmAction, act,
    live, connectLive, onSample, topicOfSnap };
})();
