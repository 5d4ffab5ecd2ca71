package dev.nsq.nsqadmin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The single-page app: {@code index.html} for every page URL (the page script routes on the path,
 * as NSQ's Backbone app does) and its scripts and styles under {@code /static/}, from the jar or,
 * with {@code --dev-static-dir}, from a directory so they can be edited without a rebuild.
 */
final class StaticPages {
    private static final String[] PAGES = {"/", "/topics/*", "/nodes", "/nodes/*", "/counter", "/lookup"};

    private final String base;
    private final String devDir;
    /** index.html with the base path filled in; read once unless it comes from --dev-static-dir. */
    private volatile String cached;

    StaticPages(String base, String devDir) {
        this.base = base;
        this.devDir = devDir;
    }

    void mount(Router r) {
        StaticHandler assets = devDir.isEmpty()
                ? StaticHandler.create("webroot")
                : StaticHandler.create(FileSystemAccess.ROOT, Path.of(devDir).toAbsolutePath().toString()).setCachingEnabled(false);
        r.get(base + "/static/*").handler(assets);
        for (String p : PAGES) r.get(base + p).handler(this::index);
        if (!base.isEmpty()) r.get(base).handler(this::index);
    }

    private void index(RoutingContext ctx) {
        String html = cached;
        if (html == null) {
            html = template().replace("%BASE_PATH%", base);
            if (devDir.isEmpty()) cached = html;
        }
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(Buffer.buffer(html));
    }

    private String template() {
        try {
            if (!devDir.isEmpty()) return Files.readString(Path.of(devDir, "index.html"));
            try (InputStream in = StaticPages.class.getResourceAsStream("/webroot/index.html")) {
                if (in == null) throw new IOException("webroot/index.html missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
