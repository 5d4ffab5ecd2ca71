/* The Streams, Topic and Channel pages. Each page renders into its own element and returns a
   cleanup function; live samples (server-sent events) redraw it. */
(function () {
  "use strict";
  const { esc, num, rate, href, enc, api, act, setBanner, onSample, topicOfSnap, duration } = NSQ;
  const g = () => NSQ.graph;
  NSQ.pages = NSQ.pages || {};

  function pausedBadge(p) { return p ? ' <span class="badge paused">paused</span>' : ""; }
  function memDisk(o) { return num(o.memory_depth) + " + " + num(o.backend_depth); }
  function card(label, value, sub, id) {
    return '<div class="card"' + (id ? ' id="' + id + '"' : "") + '><div class="label">' + esc(label) +
      '</div><div class="value">' + value + "</div>" + (sub ? '<div class="sub">' + sub + "</div>" : "") + "</div>";
  }
  /** End-to-end processing latency quantiles (nsqd --e2e-processing-latency-percentile), "p99 12ms · p50 3ms". */
  function e2e(l) {
    if (!l || !l.percentiles || !l.percentiles.length) return '<span class="muted">–</span>';
    return l.percentiles.map(p => "p" + Math.round(p.quantile * 1000) / 10 + " " + latency(p.average != null ? p.average : p.value)).join(" · ");
  }
  function latency(ns) {
    if (ns >= 1e9) return (ns / 1e9).toFixed(2) + "s";
    if (ns >= 1e6) return (ns / 1e6).toFixed(1) + "ms";
    return Math.round(ns / 1e3) + "µs";
  }
  const hasE2e = l => !!(l && l.percentiles && l.percentiles.length);
  function size(b) {
    if (b >= 1 << 30) return (b / (1 << 30)).toFixed(1) + " GiB";
    if (b >= 1 << 20) return (b / (1 << 20)).toFixed(1) + " MiB";
    if (b >= 1 << 10) return (b / (1 << 10)).toFixed(1) + " KiB";
    return num(b) + " B";
  }
  /** Bytes held against nsqd's --max-bytes-per-queue (ours), when nsqd reports them: a card, or "". */
  function heldCard(o, id) {
    if (o.held_bytes == null) return "";
    const fullest = (o.nodes || []).reduce((m, n) => n.max_bytes ? Math.max(m, n.held_bytes / n.max_bytes) : m,
      o.max_bytes ? o.held_bytes / o.max_bytes : 0);
    return card("Held bytes", size(o.held_bytes), "of " + size(o.max_bytes) + ((o.nodes || []).length > 1 ? " per node" : "") +
      " · " + Math.round(fullest * 100) + "% full", id);
  }
  // ---------------------------------------------------------------- replication (ours: nsqd --replication-factor)

  /** A replicated topic's badge: "replicated ×2", or a red "under-replicated 1/2" while a replica is out of sync; "" for NSQ's topics. */
  function replBadge(r) {
    if (!r) return "";
    const replicas = r.replicas || [], inSync = r.in_sync || [];
    const title = "epoch " + r.epoch + " · leader " + r.leader + " · in sync: " + (inSync.join(", ") || "none");
    return r.under_replicated
      ? ' <span class="badge bad under-replicated" title="' + esc(title) + '">under-replicated ' + inSync.length + "/" + replicas.length + "</span>"
      : ' <span class="badge ok replicated" title="' + esc(title) + '">replicated ×' + replicas.length + "</span>";
  }
  /** A node's part in a replicated topic. */
  function roleBadge(role) {
    if (role === "leader") return ' <span class="badge role-leader">leader</span>';
    if (role === "follower") return ' <span class="badge role-follower">follower</span>';
    if (role === "stale_leader") return ' <span class="badge bad role-stale" title="names itself leader at an older epoch">stale leader</span>';
    return "";
  }
  /** The Replication panel of the Topic page: epoch, leader, and each replica with its role and whether it is in sync. */
  function replicationPanel(r, nodes) {
    const replicas = r.replicas || [], inSync = new Set(r.in_sync || []);
    const httpOf = addr => { const n = nodes.find(x => x.tcp_address === addr); return n ? n.node : null; };
    const link = addr => { const h = httpOf(addr); return h ? '<a href="' + href("/nodes/" + enc(h)) + '" data-nav>' + esc(addr) + "</a>" : esc(addr); };
    return '<div class="panel" id="replication"><h2>Replication <span class="count">epoch <b id="replication-epoch">' + esc(r.epoch) +
      '</b> · leader <span id="replication-leader">' + esc(r.leader) + '</span> · <span id="replication-in-sync">' + inSync.size + " of " +
      replicas.length + " in sync</span></span>" + replBadge(r) + "</h2>" +
      '<div class="table-wrap"><table id="replicas"><thead><tr><th>Replica</th><th class="l">Role</th><th class="l">State</th></tr></thead><tbody>' +
      replicas.map(a => '<tr data-replica="' + esc(a) + '"><td class="name">' + link(a) + '</td><td class="l">' +
        (a === r.leader ? roleBadge("leader") : roleBadge("follower")) + '</td><td class="l">' +
        (inSync.has(a) ? '<span class="badge ok">in sync</span>' : '<span class="badge bad">out of sync</span>') + "</td></tr>").join("") +
      "</tbody></table></div></div>";
  }

  NSQ.ui = { pausedBadge, memDisk, card, e2e, hasE2e, size, heldCard, replBadge, roleBadge };

  // ---------------------------------------------------------------- Streams

  NSQ.pages.streams = function (el) {
    let filter = "";
    // the frame (heading, filter box) is drawn once; samples redraw only the figures, so typing
    // in the filter is never interrupted
    el.innerHTML = '<div class="page-head"><h1>Streams</h1><div class="actions">' +
      '<input type="text" id="topic-filter" placeholder="Filter topics" aria-label="Filter topics"></div></div>' +
      '<div class="cards" id="stream-cards"></div>' +
      '<div class="panel"><h2>Topics <span class="count" id="topic-count"></span></h2><div class="table-wrap"><table id="topics">' +
      '<thead><tr><th>Topic</th><th class="l hide-sm" id="rate-head">Rate</th><th>Depth</th>' +
      '<th class="hide-sm">In-Flight</th><th>Messages</th><th>Rate</th><th class="hide-sm">Channels</th><th class="hide-sm">Nodes</th></tr></thead>' +
      '<tbody><tr><td colspan="8" class="muted l">Waiting for the first sample…</td></tr></tbody></table></div></div>';
    const input = el.querySelector("#topic-filter");
    input.addEventListener("input", () => { filter = input.value.trim().toLowerCase(); render(NSQ.live.snap); });

    function render(snap) {
      if (!snap) return;
      setBanner(snap.message, snap.message && snap.message.startsWith("UPSTREAM_ERROR"));
      const all = snap.topics || [];
      const topics = filter ? all.filter(t => t.topic_name.toLowerCase().includes(filter)) : all;
      let rows = topics.map(t =>
        '<tr data-topic="' + esc(t.topic_name) + '"><td class="name"><a href="' + href("/topics/" + enc(t.topic_name)) +
        '" data-nav>' + esc(t.topic_name) + "</a>" + pausedBadge(t.paused) + replBadge(t.replication) + "</td>" +
        '<td class="hide-sm">' + g().spark(t.rates, 120, 26, { title: "message rate" }) + "</td>" +
        '<td class="depth">' + num(t.depth + t.channel_depth) + "</td>" +
        '<td class="hide-sm">' + num(t.in_flight) + "</td>" +
        '<td class="messages">' + num(t.message_count) + "</td>" +
        '<td class="rate">' + rate(t.rate) + "</td>" +
        '<td class="hide-sm">' + t.channels.length + "</td>" +
        '<td class="hide-sm">' + t.node_count + "</td></tr>").join("");
      if (!all.length) rows = '<tr><td colspan="8" class="muted l">No topics yet: publish to an nsqd, or create one on the Lookup page.</td></tr>';
      else if (!topics.length) rows = '<tr><td colspan="8" class="muted l">No topic matches “' + esc(filter) + "”.</td></tr>";
      NSQ.setHtml(el.querySelector("#topics tbody"), rows);
      el.querySelector("#topic-count").textContent = filter ? topics.length + " of " + all.length : all.length;
      el.querySelector("#rate-head").textContent = "Rate (last " + Math.round(snap.history_ms / 60000) + " min)";
      NSQ.setHtml(el.querySelector("#stream-cards"),
        card("Topics", num(all.length)) +
        card("Messages published", num(snap.total_published), rate(snap.published_rate)) +
        card("Messages processed", num(snap.total_processed), rate(snap.processed_rate)) +
        card("Depth", num(all.reduce((s, t) => s + t.depth + t.channel_depth, 0)), "topics + channels") +
        card("In-flight", num(all.reduce((s, t) => s + t.in_flight, 0))));
    }
    render(NSQ.live.snap);
    return onSample(render);
  };

  // ---------------------------------------------------------------- Topic

  NSQ.pages.topic = function (el, params) {
    const topic = params[0];
    const path = "/api/topics/" + enc(topic);
    let data = null, error = null, loading = false;
    // the live figures are redrawn; the Peek panel below them is not
    const live = el.appendChild(document.createElement("div"));
    NSQ.peekPanel(el.appendChild(document.createElement("div")), topic, null);

    async function load() {
      if (loading) return;
      loading = true;
      try { data = await api("GET", path); error = null; } catch (e) { error = e; }
      loading = false;
      render();
    }

    function render() {
      if (error) setBanner(error.message, true); else if (data) setBanner(data.message);
      if (!data) { NSQ.setHtml(live, error ? "" : '<p class="muted">Loading…</p>'); return; }
      const s = topicOfSnap(topic) || { rates: [], depths: [], nodes: [], channels: [] };
      const hist = NSQ.live.snap ? NSQ.live.snap.history_ms : 0;
      const nodes = data.nodes || [];
      const chans = data.channels || [];
      const inFlight = chans.reduce((a, c) => a + c.in_flight_count, 0);
      const deferred = chans.reduce((a, c) => a + c.deferred_count, 0);
      // a node's in-flight and deferred: from the sample, or summed over the node's channels in the API answer
      const nodeSum = (n, sampled, field) => n[sampled] != null ? n[sampled] : (n.channels || []).reduce((a, c) => a + (c[field] || 0), 0);
      const nodeRate = n => { const x = (s.nodes || []).find(y => y.node === n.node); return x ? x.rate : null; };
      const chanSnap = c => (s.channels || []).find(y => y.channel_name === c.channel_name) || {};
      const gone = !nodes.length;
      const repl = data.replication || null;
      const showE2e = hasE2e(data.e2e_processing_latency) || chans.some(c => hasE2e(c.e2e_processing_latency));
      const showDead = chans.some(c => c.dead_letter_count != null);

      NSQ.setHtml(live,
        '<div class="crumbs"><a href="' + href("/") + '" data-nav>Streams</a> / topic</div>' +
        '<div class="page-head"><h1 id="topic-name">' + esc(topic) + "</h1>" + pausedBadge(data.paused) + replBadge(repl) +
        (gone ? ' <span class="badge bad">not on any node</span>' : "") +
        '<div class="actions">' +
        (data.paused
          ? '<button class="btn" id="unpause-topic" data-act="unpause">Unpause Topic</button>'
          : '<button class="btn warn" id="pause-topic" data-act="pause">Pause Topic</button>') +
        '<button class="btn ghost-danger" id="empty-topic" data-act="empty">Empty Queue</button>' +
        '<button class="btn danger" id="delete-topic" data-act="delete">Delete Topic</button></div></div>' +
        '<div class="cards">' +
        card("Topic depth", num(data.depth), memDisk(data) + " mem + disk", "topic-depth") +
        card("Channel depth", num(chans.reduce((a, c) => a + c.depth, 0)), "waiting in channels") +
        card("Messages", num(data.message_count), null, "topic-messages") +
        heldCard(data, "topic-held-bytes") +
        card("Rate", rate(s.rate)) +
        card("In-flight", num(inFlight), "over all channels") +
        card("Deferred", num(deferred)) +
        card("Channels", num(chans.length), num(nodes.length) + (nodes.length === 1 ? " node" : " nodes")) +
        (repl ? card("Replicas in sync", num((repl.in_sync || []).length) + " / " + num((repl.replicas || []).length),
          "epoch " + esc(repl.epoch) + " · leader " + esc(repl.leader), "topic-replication") : "") +
        (hasE2e(data.e2e_processing_latency) ? card("E2E latency", '<span style="font-size:14px">' + e2e(data.e2e_processing_latency) + "</span>") : "") +
        "</div>" +
        '<div class="graphs">' + g().card("Message rate", rate(s.rate), s.rates, "#2563eb", hist) +
        g().card("Depth (topic + channels)", num(s.depth != null ? s.depth + s.channel_depth : data.depth), s.depths, "#d97706", hist) + "</div>" +
        (repl ? replicationPanel(repl, nodes) : "") +
        '<div class="panel"><h2>Topic on each node <span class="count">' + nodes.length + "</span></h2>" +
        '<div class="table-wrap"><table id="topic-nodes"><thead><tr><th>NSQd Host</th><th>Depth</th><th class="hide-sm">Memory + Disk</th>' +
        '<th>In-Flight</th><th class="hide-sm">Deferred</th><th>Messages</th><th>Rate</th><th class="hide-sm">Channels</th><th></th></tr></thead><tbody>' +
        nodes.map(n => "<tr><td class=\"name\"><a href=\"" + href("/nodes/" + enc(n.node)) + '" data-nav>' + esc(n.hostname || n.node) +
          '</a> <span class="muted">' + esc(n.node) + "</span>" + pausedBadge(n.paused) + roleBadge(n.role) + "</td><td>" + num(n.depth) +
          '</td><td class="hide-sm">' + memDisk(n) + "</td><td>" + num(nodeSum(n, "in_flight", "in_flight_count")) +
          '</td><td class="hide-sm">' + num(nodeSum(n, "deferred", "deferred_count")) + "</td><td>" + num(n.message_count) + "</td><td>" + rate(nodeRate(n)) +
          '</td><td class="hide-sm">' + (n.channel_count != null ? n.channel_count : (n.channels || []).length) + '</td><td><button class="btn small ghost-danger" data-act="tombstone" data-node="' +
          esc(n.node) + '" title="hide this node from lookupd for this topic and delete the topic there">Tombstone</button></td></tr>').join("") +
        (nodes.length > 1 ? '<tr class="total"><td>' + (repl ? "Topic (the leader's copy)" : "Total") + "</td><td>" + num(data.depth) + '</td><td class="hide-sm">' + memDisk(data) +
          "</td><td>" + num(inFlight) + '</td><td class="hide-sm">' + num(deferred) +
          "</td><td>" + num(data.message_count) + "</td><td>" + rate(s.rate) + '</td><td class="hide-sm">' + chans.length + "</td><td></td></tr>" : "") +
        (gone ? '<tr><td colspan="9" class="l muted">No nsqd has this topic.</td></tr>' : "") +
        "</tbody></table></div></div>" +
        '<div class="panel"><h2>Channels <span class="count">' + chans.length + "</span></h2>" +
        (chans.length ? '<div class="table-wrap"><table id="channels"><thead><tr><th>Channel</th><th class="l hide-sm">Rate</th><th>Depth</th>' +
          '<th class="hide-sm">Memory + Disk</th><th>In-Flight</th><th class="hide-sm">Deferred</th><th class="hide-sm">Requeued</th>' +
          '<th class="hide-sm">Timed Out</th>' + (showDead ? '<th class="hide-sm">Dead-lettered</th>' : "") +
          "<th>Messages</th><th>Connections</th>" + (showE2e ? '<th class="l hide-sm">E2E Latency</th>' : "") +
          "</tr></thead><tbody>" +
          chans.map(c => { const cs = chanSnap(c); return '<tr data-channel="' + esc(c.channel_name) + '"><td class="name"><a href="' +
            href("/topics/" + enc(topic) + "/" + enc(c.channel_name)) + '" data-nav>' + esc(c.channel_name) + "</a>" + pausedBadge(c.paused) +
            '</td><td class="hide-sm">' + g().spark(cs.rates, 110, 24, { title: "rate" }) + "</td><td>" + num(c.depth) +
            '</td><td class="hide-sm">' + memDisk(c) + "</td><td>" + num(c.in_flight_count) + '</td><td class="hide-sm">' +
            num(c.deferred_count) + '</td><td class="hide-sm">' + num(c.requeue_count) + '</td><td class="hide-sm">' +
            num(c.timeout_count) + "</td>" + (showDead ? '<td class="hide-sm dead-letters">' + num(c.dead_letter_count) + "</td>" : "") +
            "<td>" + num(c.message_count) + "</td><td>" + num(c.client_count) + "</td>" +
            (showE2e ? '<td class="l hide-sm">' + e2e(c.e2e_processing_latency) + "</td>" : "") + "</tr>"; }).join("") +
          "</tbody></table></div>" : '<div class="empty">No channels: messages stay in the topic until a consumer subscribes.</div>') +
        "</div>");
    }

    el.addEventListener("click", ev => {
      const b = ev.target.closest("button[data-act]");
      if (!b) return;
      const a = b.dataset.act;
      if (a === "pause" || a === "unpause") {
        act(null, "POST", path, { action: a }, load);
      } else if (a === "empty") {
        act({ title: "Empty topic " + topic + "?", text: "Every message queued in this topic (not its channels) on every node is dropped.", ok: "Empty" },
          "POST", path, { action: "empty" }, load);
      } else if (a === "delete") {
        act({ title: "Delete topic " + topic + "?", text: "The topic and all its channels and messages are deleted on every node and lookupd.", ok: "Delete", doneText: "Topic deleted" },
          "DELETE", path, undefined, () => NSQ.navigate("/"));
      } else if (a === "tombstone") {
        const node = b.dataset.node;
        act({ title: "Tombstone " + node + " for " + topic + "?", text: "lookupd stops handing out this node for the topic, and the topic is deleted on it.", ok: "Tombstone" },
          "DELETE", "/api/nodes/" + enc(node), { topic }, load);
      }
    });
    // Samples carry every figure this page shows except latency, so they are merged into the
    // last answer instead of asking the API again; a full reload every tenth sample refreshes the rest.
    let samples = 0;
    function merge(snap) {
      if (!data || loading) return;
      const s = topicOfSnap(topic);
      // the API decides when the sample disagrees (a topic missing from a sample taken just before it
      // was created), fails, or is the tenth
      if (++samples % 10 === 0 || (snap.message || "").startsWith("UPSTREAM_ERROR") || (!s && (data.nodes || []).length)) {
        load();
        return;
      }
      const byNode = new Map((data.nodes || []).map(n => [n.node, n]));
      const byName = new Map((data.channels || []).map(c => [c.channel_name, c]));
      data = Object.assign({}, data, {
        message: snap.message,
        depth: s ? s.depth : 0, memory_depth: s ? s.memory_depth : 0, backend_depth: s ? s.backend_depth : 0,
        message_count: s ? s.message_count : data.message_count, paused: s ? s.paused : data.paused,
        replication: s ? s.replication : data.replication,
        nodes: s ? s.nodes.map(n => Object.assign({}, byNode.get(n.node) || {}, n)) : [],
        channels: s ? s.channels.map(c => Object.assign({}, byName.get(c.channel_name) || {}, c)) : [],
      });
      render();
    }
    load();
    return onSample(merge);
  };

  // ---------------------------------------------------------------- Channel

  NSQ.pages.channel = function (el, params) {
    const topic = params[0], channel = params[1];
    const path = "/api/topics/" + enc(topic) + "/" + enc(channel);
    let data = null, error = null, loading = false;
    const live = el.appendChild(document.createElement("div"));
    NSQ.peekPanel(el.appendChild(document.createElement("div")), topic, channel);

    async function load() {
      if (loading) return;
      loading = true;
      try { data = await api("GET", path); error = null; } catch (e) { error = e; }
      loading = false;
      render();
    }

    function attrs(c) {
      const a = [];
      if (c.tls) a.push('<span class="badge ok" title="' + esc(c.tls_cipher_suite) + '">' + esc(c.tls_version || "TLS") + "</span>");
      if (c.snappy) a.push('<span class="badge">snappy</span>');
      if (c.deflate) a.push('<span class="badge">deflate</span>');
      if (c.sample_rate > 0) a.push('<span class="badge">sampled ' + c.sample_rate + "%</span>");
      if (c.authed) a.push('<span class="badge ok">auth ' + esc(c.auth_identity) + "</span>");
      return a.join(" ") || '<span class="muted">–</span>';
    }

    function render() {
      if (error) setBanner(error.message, true); else if (data) setBanner(data.message);
      if (!data) { NSQ.setHtml(live, error ? "" : '<p class="muted">Loading…</p>'); return; }
      const t = topicOfSnap(topic);
      const s = (t && (t.channels || []).find(c => c.channel_name === channel)) || { rates: [], depths: [] };
      const hist = NSQ.live.snap ? NSQ.live.snap.history_ms : 0;
      const nodes = data.nodes || [];
      const clients = data.clients || [];
      const now = Date.now() / 1000;
      NSQ.setHtml(live,
        '<div class="crumbs"><a href="' + href("/") + '" data-nav>Streams</a> / <a href="' + href("/topics/" + enc(topic)) + '" data-nav>' +
        esc(topic) + "</a> / channel</div>" +
        '<div class="page-head"><h1 id="channel-name">' + esc(channel) + "</h1>" + pausedBadge(data.paused) +
        (!nodes.length ? ' <span class="badge bad">not on any node</span>' : "") +
        '<div class="actions">' +
        (data.paused
          ? '<button class="btn" id="unpause-channel" data-act="unpause">Unpause Channel</button>'
          : '<button class="btn warn" id="pause-channel" data-act="pause">Pause Channel</button>') +
        '<button class="btn ghost-danger" id="empty-channel" data-act="empty">Empty Queue</button>' +
        '<button class="btn danger" id="delete-channel" data-act="delete">Delete Channel</button></div></div>' +
        '<div class="cards">' +
        card("Depth", num(data.depth), memDisk(data) + " mem + disk") +
        card("In-flight", num(data.in_flight_count)) +
        card("Deferred", num(data.deferred_count)) +
        card("Requeued", num(data.requeue_count)) +
        card("Timed out", num(data.timeout_count)) +
        (data.dead_letter_count != null ? card("Dead-lettered", num(data.dead_letter_count), 'to <a href="' +
          href("/topics/" + enc(data.dead_letter_topic)) + '" data-nav>' + esc(data.dead_letter_topic) + "</a>", "channel-dead-letters") : "") +
        card("Messages", num(data.message_count)) +
        card("Rate", rate(s.rate)) +
        card("Connections", num(data.client_count)) +
        heldCard(data, "channel-held-bytes") +
        (hasE2e(data.e2e_processing_latency) ? card("E2E latency", '<span style="font-size:14px">' + e2e(data.e2e_processing_latency) + "</span>") : "") +
        "</div>" +
        '<div class="graphs">' + g().card("Message rate", rate(s.rate), s.rates, "#2563eb", hist) +
        g().card("Depth", num(data.depth), s.depths, "#d97706", hist) + "</div>" +
        '<div class="panel"><h2>Channel on each node <span class="count">' + nodes.length + "</span></h2>" +
        '<div class="table-wrap"><table id="channel-nodes"><thead><tr><th>NSQd Host</th><th>Depth</th><th class="hide-sm">Memory + Disk</th>' +
        '<th>In-Flight</th><th class="hide-sm">Deferred</th><th class="hide-sm">Requeued</th><th class="hide-sm">Timed Out</th>' +
        "<th>Messages</th><th>Connections</th></tr></thead><tbody>" +
        nodes.map(n => '<tr><td class="name"><a href="' + href("/nodes/" + enc(n.node)) + '" data-nav>' + esc(n.hostname || n.node) +
          '</a> <span class="muted">' + esc(n.node) + "</span>" + pausedBadge(n.paused) + "</td><td>" + num(n.depth) +
          '</td><td class="hide-sm">' + memDisk(n) + "</td><td>" + num(n.in_flight_count) + '</td><td class="hide-sm">' +
          num(n.deferred_count) + '</td><td class="hide-sm">' + num(n.requeue_count) + '</td><td class="hide-sm">' +
          num(n.timeout_count) + "</td><td>" + num(n.message_count) + "</td><td>" + num(n.client_count) + "</td></tr>").join("") +
        "</tbody></table></div></div>" +
        '<div class="panel"><h2>Client connections <span class="count">' + clients.length + "</span></h2>" +
        (clients.length ? '<div class="table-wrap"><table id="clients"><thead><tr><th>Client Host</th><th class="l">Client ID</th>' +
          '<th class="l hide-sm">User-Agent</th><th class="l hide-sm">Attributes</th><th class="l hide-sm">NSQd Host</th><th>RDY</th>' +
          '<th>In-Flight</th><th class="hide-sm">Finished</th><th class="hide-sm">Requeued</th><th>Messages</th><th class="l">Connected</th></tr></thead><tbody>' +
          clients.map(c => '<tr><td class="name">' + esc(c.hostname) + ' <span class="muted">' + esc(c.remote_address) + "</span></td>" +
            '<td class="l">' + esc(c.client_id) + '</td><td class="l hide-sm">' + esc(c.user_agent || c.version) + '</td><td class="l hide-sm">' +
            attrs(c) + '</td><td class="l hide-sm"><a href="' + href("/nodes/" + enc(c.node)) + '" data-nav>' + esc(c.node) + "</a></td><td>" +
            num(c.ready_count) + "</td><td>" + num(c.in_flight_count) + '</td><td class="hide-sm">' + num(c.finish_count) +
            '</td><td class="hide-sm">' + num(c.requeue_count) + "</td><td>" + num(c.message_count) + '</td><td class="l" title="' +
            esc(new Date(c.connect_ts * 1000).toISOString()) + '">' + duration(now - c.connect_ts) + "</td></tr>").join("") +
          "</tbody></table></div>" : '<div class="empty">No consumers connected.</div>') + "</div>");
    }

    el.addEventListener("click", ev => {
      const b = ev.target.closest("button[data-act]");
      if (!b) return;
      const a = b.dataset.act;
      if (a === "pause" || a === "unpause") {
        act(null, "POST", path, { action: a }, load);
      } else if (a === "empty") {
        act({ title: "Empty channel " + channel + "?", text: "Every queued message of this channel on every node is dropped (in-flight ones are not).", ok: "Empty" },
          "POST", path, { action: "empty" }, load);
      } else if (a === "delete") {
        act({ title: "Delete channel " + channel + "?", text: "The channel and its messages are deleted on every node and lookupd; consumers are disconnected.", ok: "Delete", doneText: "Channel deleted" },
          "DELETE", path, undefined, () => NSQ.navigate("/topics/" + enc(topic)));
      }
    });
    load();
    return onSample(() => load());
  };
})();
