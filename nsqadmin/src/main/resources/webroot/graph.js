/* Small inline SVG graphs (sparklines) of the server's sampled rates and depths. */
(function () {
  "use strict";

  /**
   * An SVG sparkline of `values` (oldest first), `w` x `h` pixels, area-filled.
   * Empty history draws a flat baseline so rows keep their height.
   */
  function spark(values, w, h, opts) {
    opts = opts || {};
    const color = opts.color || "#2563eb";
    const v = (values || []).filter(x => typeof x === "number" && isFinite(x));
    const pad = 2;
    if (v.length < 2) {
      return '<svg class="spark" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" aria-hidden="true">' +
        '<line x1="0" x2="' + w + '" y1="' + (h - pad) + '" y2="' + (h - pad) + '" stroke="#d7dde8" stroke-width="1"/></svg>';
    }
    const max = Math.max.apply(null, v.concat([opts.min || 0])) || 1;
    const step = (w - pad * 2) / (v.length - 1);
    const pts = v.map((x, i) => [pad + i * step, h - pad - (x / max) * (h - pad * 2)]);
    const line = pts.map((p, i) => (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1)).join(" ");
    const area = line + " L" + pts[pts.length - 1][0].toFixed(1) + " " + (h - pad) + " L" + pad + " " + (h - pad) + " Z";
    const last = pts[pts.length - 1];
    const title = opts.title ? "<title>" + NSQ.esc(opts.title) + "</title>" : "";
    return '<svg class="spark" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '" role="img">' + title +
      '<path d="' + area + '" fill="' + color + '" fill-opacity="0.12"/>' +
      '<path d="' + line + '" fill="none" stroke="' + color + '" stroke-width="1.5" stroke-linejoin="round"/>' +
      '<circle cx="' + last[0].toFixed(1) + '" cy="' + last[1].toFixed(1) + '" r="2" fill="' + color + '"/></svg>';
  }

  /** A labelled graph card: title, current value, and a wide sparkline. */
  function card(label, current, values, color, historyMs) {
    const mins = historyMs ? Math.round(historyMs / 60000) : null;
    return '<div class="graph"><div class="label"><span>' + NSQ.esc(label) +
      (mins ? ' <span class="muted">· last ' + mins + " min</span>" : "") + "</span><b>" + NSQ.esc(current) + "</b></div>" +
      spark(values, 320, 56, { color }).replace('width="320"', 'width="100%"').replace("<svg ", '<svg preserveAspectRatio="none" ') +
      "</div>";
  }

  window.NSQ.graph = { spark, card };
})();
