/* The Nodes, Node, Counter and Lookup pages. */
(function () {
  "use strict";
  const { esc, num, rate, href, enc, api, act, setBanner, onSample } = NSQ;
  const { pausedBadge, memDisk, card, roleBadge } = NSQ.ui;

  /** A page that shows one API document, reloaded on every live sample. */
  function fetching(el, path, render, every) {
    every = every || 1;
    let data = null, error = null, loading = false;
    async function load() {
      if (loading) return;
      loading = true;
      try { data = await api("GET", path); error = null; } catch (e) { error = e; }
      loading = false;
      if (error) setBanner(error.message, true); else setBanner(data.message);
      if (data && !error) NSQ.setHtml(el, render(data));
      else if (error && error.status === 404) NSQ.setHtml(el, '<div class="panel"><div class="empty">' + esc(error.message) + "</div></div>");
      else if (!data) NSQ.setHtml(el, "");
    }
    load();
    // these pages show what samples do not carry (clients, lookupd's view): they reload on every
    // sample, or every `every`-th one for slow-changing data
    let n = 0;
    return { load, stop: onSample(() => { if (++n % every === 0) load(); }) };
  }

  // ---------------------------------------------------------------- Nodes

  NSQ.pages.nodes = function (el) {
    return fetching(el, "/api/nodes", d => {
      const nodes = d.nodes || [];
      const versions = [...new Set(nodes.map(n => n.version))];
      const topics = new Set();
      nodes.forEach(n => (n.topics || []).forEach(t => topics.add(t.topic)));
      return '<div class="page-head"><h1>Nodes</h1></div>' +
        '<div class="cards">' + card("NSQd nodes", num(nodes.length)) + card("Topics", num(topics.size), "across all nodes") +
        card("Versions", esc(versions.join(", ") || "–"), nodes.some(n => n.out_of_date) ? "some nodes are out of date" : "") + "</div>" +
        '<div class="panel"><h2>NSQd nodes <span class="count">' + nodes.length + "</span></h2>" +
        '<div class="table-wrap"><table id="nodes"><thead><tr><th>Hostname</th><th class="l">Broadcast Address</th><th>TCP Port</th>' +
        '<th>HTTP Port</th><th class="l">Version</th><th class="hide-sm">Lookupd Conns.</th><th>Topics</th></tr></thead><tbody>' +
        (nodes.map(n => '<tr><td class="name"><a href="' + href("/nodes/" + enc(n.broadcast_address + ":" + n.http_port)) + '" data-nav>' +
          esc(n.hostname) + '</a></td><td class="l">' + esc(n.broadcast_address) + "</td><td>" + n.tcp_port + "</td><td>" + n.http_port +
          '</td><td class="l">' + esc(n.version) + (n.out_of_date ? ' <span class="badge bad">out of date</span>' : "") +
          '</td><td class="hide-sm" title="' + esc((n.remote_addresses || []).join(", ")) + '">' + ((n.remote_addresses || []).length || "–") +
          "</td><td>" + (n.topics || []).length + "</td></tr>").join("") ||
          '<tr><td colspan="7" class="l muted">No nodes found.</td></tr>') +
        "</tbody></table></div></div>";
    }, 5).stop;
  };

  // ---------------------------------------------------------------- Node

  NSQ.pages.node = function (el, params) {
    const node = params[0];
    const f = fetching(el, "/api/nodes/" + enc(node), d => {
      const topics = d.topics || [];
      let rows = "";
      topics.forEach(t => {
        rows += '<tr class="total"><td class="name"><a href="' + href("/topics/" + enc(t.topic_name)) + '" data-nav>' + esc(t.topic_name) +
          "</a>" + pausedBadge(t.paused) + roleBadge(t.role) + "</td><td>" + num(t.depth) + '</td><td class="hide-sm">' + memDisk(t) +
          "</td><td>–</td><td>" + num(t.message_count) + "</td><td>–</td>" +
          '<td><button class="btn small ghost-danger" data-act="tombstone" data-topic="' + esc(t.topic_name) + '">Tombstone</button></td></tr>';
        (t.channels || []).forEach(c => {
          rows += '<tr><td class="name">&nbsp;&nbsp;↳ <a href="' + href("/topics/" + enc(t.topic_name) + "/" + enc(c.channel_name)) +
            '" data-nav>' + esc(c.channel_name) + "</a>" + pausedBadge(c.paused) + "</td><td>" + num(c.depth) +
            '</td><td class="hide-sm">' + memDisk(c) + "</td><td>" + num(c.in_flight_count) + "</td><td>" + num(c.message_count) +
            "</td><td>" + num((c.clients || []).length) + "</td><td></td></tr>";
        });
      });
      return '<div class="crumbs"><a href="' + href("/nodes") + '" data-nav>Nodes</a> / node</div>' +
        '<div class="page-head"><h1>' + esc(node) + "</h1></div>" +
        '<div class="cards">' + card("Topics", num(topics.length)) + card("Messages", num(d.total_messages)) +
        card("Clients", num(d.total_clients)) + "</div>" +
        '<div class="panel"><h2>Topics and channels on this node</h2><div class="table-wrap"><table id="node-topics"><thead><tr>' +
        '<th>Topic / Channel</th><th>Depth</th><th class="hide-sm">Memory + Disk</th><th>In-Flight</th><th>Messages</th><th>Clients</th><th></th></tr></thead><tbody>' +
        (rows || '<tr><td colspan="7" class="l muted">This node has no topics.</td></tr>') + "</tbody></table></div></div>";
    });
    el.addEventListener("click", ev => {
      const b = ev.target.closest("button[data-act=tombstone]");
      if (!b) return;
      const topic = b.dataset.topic;
      act({ title: "Tombstone " + topic + " on " + node + "?", text: "lookupd stops handing out this node for the topic, and the topic is deleted on it.", ok: "Tombstone" },
        "DELETE", "/api/nodes/" + enc(node), { topic }, f.load);
    });
    return f.stop;
  };

  // ---------------------------------------------------------------- Counter

  NSQ.pages.counter = function (el) {
    let shown = null, target = 0, raf = 0, lastAt = 0, from = 0;
    el.innerHTML = '<div class="page-head"><h1>Counter</h1></div><div class="panel counter">' +
      '<div class="muted">messages processed by every channel of the cluster</div>' +
      '<div class="big" id="counter-total">–</div><div class="rate" id="counter-rate"></div>' +
      '<div id="counter-graph"></div></div>';
    const big = el.querySelector("#counter-total");

    // counts up smoothly between samples instead of jumping every interval
    function tick(now) {
      const span = Math.max(1, (NSQ.live.snap ? NSQ.live.snap.interval_ms : 2000));
      const p = Math.min(1, (now - lastAt) / span);
      shown = Math.round(from + (target - from) * p);
      big.textContent = num(shown);
      if (p < 1) raf = requestAnimationFrame(tick);
    }

    function render(snap) {
      if (!snap) return;
      setBanner(snap.message, snap.message && snap.message.startsWith("UPSTREAM_ERROR"));
      from = shown == null ? snap.total_processed : shown;
      target = snap.total_processed;
      lastAt = performance.now();
      cancelAnimationFrame(raf);
      raf = requestAnimationFrame(tick);
      el.querySelector("#counter-rate").textContent = rate(snap.processed_rate) + " now · " + num(snap.total_published) + " published";
      el.querySelector("#counter-graph").innerHTML = NSQ.graph.card("Processed per second", rate(snap.processed_rate),
        snap.processed_rates, "#16a34a", snap.history_ms);
    }
    render(NSQ.live.snap);
    const stop = onSample(render);
    return () => { stop(); cancelAnimationFrame(raf); };
  };

  // ---------------------------------------------------------------- Lookup

  NSQ.pages.lookup = function (el) {
    let all = null, inactive = null, lookupds = null;

    async function load() {
      try {
        const [a, i] = await Promise.all([api("GET", "/api/topics"), api("GET", "/api/topics?inactive=true")]);
        all = a.topics || [];
        inactive = i.topics || {};
        setBanner(a.message || i.message);
      } catch (e) {
        setBanner(e.message, true);
      }
      try { lookupds = await api("GET", "/config/nsqlookupd_http_addresses"); } catch (e) { lookupds = null; }
      render();
    }

    function render() {
      if (!all) { el.innerHTML = ""; return; }
      const idle = Object.keys(inactive).sort();
      const mode = lookupds && lookupds.length
        ? "Topics and channels registered in nsqlookupd " + lookupds.map(esc).join(", ") + "."
        : lookupds ? "No nsqlookupd configured (--nsqd-http-address mode): topics are read from, and created on, the nsqd nodes directly." : "";
      el.innerHTML = '<div class="page-head"><h1>Lookup</h1></div>' +
        (mode ? '<p class="muted">' + mode + "</p>" : "") +
        '<div class="panel"><h2>Create topic / channel</h2><form class="inline" id="create-form">' +
        '<label>Topic<input type="text" name="topic" id="create-topic" required pattern="[.a-zA-Z0-9_\\-]+(#ephemeral)?" maxlength="64"></label>' +
        '<label>Channel (optional)<input type="text" name="channel" id="create-channel" pattern="[.a-zA-Z0-9_\\-]+(#ephemeral)?" maxlength="64"></label>' +
        '<button class="btn primary" id="create-submit">Create</button></form></div>' +
        '<div class="panel"><h2>Inactive topics <span class="count">' + idle.length + '</span> <span class="muted" style="font-weight:400">known to lookupd, no producer</span></h2>' +
        (idle.length ? '<ul class="list">' + idle.map(t => "<li><b>" + esc(t) + "</b> " +
          (inactive[t] || []).map(c => '<span class="badge">' + esc(c) + "</span>").join(" ") +
          ' <button class="btn small ghost-danger" data-del="' + esc(t) + '">Delete</button></li>').join("") + "</ul>"
          : '<div class="empty">None.</div>') + "</div>" +
        '<div class="panel"><h2>All topics <span class="count">' + all.length + '</span></h2>' +
        (all.length ? '<ul class="list" id="all-topics">' + all.map(t => '<li><a href="' + href("/topics/" + enc(t)) + '" data-nav>' + esc(t) + "</a></li>").join("") + "</ul>"
          : '<div class="empty">No topics.</div>') + "</div>";
    }

    el.addEventListener("submit", ev => {
      ev.preventDefault();
      const form = ev.target;
      const topic = form.topic.value.trim(), channel = form.channel.value.trim();
      act(null, "POST", "/api/topics", { topic, channel }, () => { NSQ.toast("Created " + topic + (channel ? " / " + channel : "")); load(); });
    });
    el.addEventListener("click", ev => {
      const b = ev.target.closest("button[data-del]");
      if (!b) return;
      const t = b.dataset.del;
      act({ title: "Delete topic " + t + "?", text: "The topic is removed from every lookupd and node.", ok: "Delete" }, "DELETE", "/api/topics/" + enc(t), undefined, load);
    });
    load();
    return () => {};
  };
})();
