/* The Peek panel of the Topic and Channel pages (ours): the next messages on each nsqd, read
   without consuming them (nsqd's /topic/peek and /channel/peek). Bodies show as text when they are
   valid UTF-8, as hex otherwise. The panel lives beside the page's live part, so a redraw of the
   figures never wipes what was peeked. */
(function () {
  "use strict";
  const { esc, api, enc } = NSQ;

  /** The body as text if it decodes as UTF-8, else as hex; returns [kind, shown]. */
  function showBody(b64) {
    const raw = atob(b64 || "");
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    try {
      return ["text", new TextDecoder("utf-8", { fatal: true }).decode(bytes)];
    } catch (e) {
      return ["hex", Array.from(bytes, x => x.toString(16).padStart(2, "0")).join(" ")];
    }
  }

  function time(ns) { return new Date(Math.floor(ns / 1e6)).toISOString().replace("T", " ").replace("Z", ""); }

  /** Draws the panel into {@code el}; {@code channel} is null on the Topic page. */
  NSQ.peekPanel = function (el, topic, channel) {
    const path = "/api/peek/" + enc(topic) + (channel == null ? "" : "/" + enc(channel));
    el.innerHTML = '<div class="panel" id="peek"><h2>Peek <span class="count">next messages, left in the queue</span>' +
      '<span class="actions"><input type="number" id="peek-count" min="1" max="100" value="10" aria-label="How many">' +
      '<button class="btn" id="peek-button">Peek</button></span></h2>' +
      '<div id="peek-result" class="empty">Shows the next messages in delivery order (memory, then disk) on each node, ' +
      "without consuming them: depth and attempts stay as they are.</div></div>";
    const result = el.querySelector("#peek-result");
    el.querySelector("#peek-button").addEventListener("click", async () => {
      const count = el.querySelector("#peek-count").value || 1;
      result.className = "empty";
      result.textContent = "Peeking…";
      let r;
      try { r = await api("GET", path + "?count=" + enc(count)); } catch (e) { result.textContent = e.message; return; }
      const rows = [];
      for (const n of r.nodes || []) {
        for (const m of n.messages || []) {
          const [kind, shown] = showBody(m.body);
          rows.push('<tr class="peeked"><td class="l">' + esc(n.hostname || n.node) + ' <span class="muted">' + esc(n.node) + '</span></td><td class="l mono">' + esc(m.id) +
            "</td><td>" + m.attempts + '</td><td class="l hide-sm">' + esc(time(m.timestamp)) + '</td><td class="l body ' + kind +
            '"><span class="badge">' + kind + "</span> " + esc(shown) + "</td></tr>");
        }
      }
      if (!rows.length) {
        result.className = "empty";
        result.textContent = "Nothing waiting" + (r.message ? " (" + r.message + ")" : "") + ".";
        return;
      }
      result.className = "table-wrap";
      result.innerHTML = (r.message ? '<div class="empty">' + esc(r.message) + "</div>" : "") +
        '<table id="peek-messages"><thead><tr><th>Node</th><th class="l">ID</th><th>Attempts</th>' +
        '<th class="l hide-sm">Published</th><th class="l">Body</th></tr></thead><tbody>' + rows.join("") + "</tbody></table>";
    });
  };
})();
