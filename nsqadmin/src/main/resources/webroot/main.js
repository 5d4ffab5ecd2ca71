/* Routing between pages by URL path (as NSQ's app does), with history navigation. */
(function () {
  "use strict";
  const routes = [
    [/^\/?$/, "streams", "streams"],
    [/^\/topics\/([^/]+)\/([^/]+)\/?$/, "channel", "streams"],
    [/^\/topics\/([^/]+)\/?$/, "topic", "streams"],
    [/^\/nodes\/?$/, "nodes", "nodes"],
    [/^\/nodes\/([^/]+)\/?$/, "node", "nodes"],
    [/^\/counter\/?$/, "counter", "counter"],
    [/^\/lookup\/?$/, "lookup", "lookup"],
  ];
  let cleanup = null;

  function route() {
    let path = location.pathname;
    if (NSQ.BASE && path.startsWith(NSQ.BASE)) path = path.substring(NSQ.BASE.length);
    const app = document.getElementById("app");
    if (cleanup) { try { cleanup(); } catch (e) { console.error(e); } cleanup = null; }
    NSQ.setBanner(null);
    const el = document.createElement("div");
    el.className = "page";
    app.replaceChildren(el);
    for (const [re, page, section] of routes) {
      const m = path.match(re);
      if (!m) continue;
      const params = m.slice(1).map(decodeURIComponent);
      document.querySelectorAll("#nav a").forEach(a => a.classList.toggle("active", a.dataset.section === section));
      el.dataset.page = page;
      document.title = (params.length ? params.join(" / ") + " · " : "") + page.charAt(0).toUpperCase() + page.slice(1) + " · nsqadmin";
      cleanup = NSQ.pages[page](el, params) || null;
      window.scrollTo(0, 0);
      return;
    }
    el.innerHTML = '<div class="panel"><div class="empty">Page not found. <a href="' + NSQ.href("/") + '" data-nav>Back to Streams</a></div></div>';
  }

  NSQ.navigate = function (path) {
    history.pushState(null, "", NSQ.href(path));
    route();
  };

  document.addEventListener("click", ev => {
    const a = ev.target.closest("a[data-nav]");
    if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    history.pushState(null, "", a.getAttribute("href"));
    route();
  });
  window.addEventListener("popstate", route);

  NSQ.connectLive();
  route();
})();
