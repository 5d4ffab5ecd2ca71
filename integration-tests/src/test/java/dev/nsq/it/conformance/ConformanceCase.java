package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** One recorded case: its name, variable templates, steps and cleanup steps. */
public record ConformanceCase(String file, String name, String description,
                              Map<String, String> vars, List<Step> steps, List<Step> cleanup) {

    private static final JsonMapper MAPPER = new JsonMapper();

    /** Loads every case of a case file (`{"cases": [...]}` or a bare case). */
    public static List<ConformanceCase> load(Path path) throws IOException {
        JsonNode doc = MAPPER.readTree(Files.readAllBytes(path));
        String file = path.getFileName().toString();
        List<ConformanceCase> out = new ArrayList<>();
        if (doc.has("steps")) {
            out.add(of(file, doc, 0));
        } else if (doc.has("cases")) {
            for (JsonNode c : doc.get("cases")) {
                out.add(of(file, c, out.size()));
            }
        }
        return out;
    }

    static ConformanceCase of(String file, JsonNode c, int index) {
        Map<String, String> vars = new LinkedHashMap<>();
        JsonNode v = c.get("vars");
        if (v != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                vars.put(e.getKey(), e.getValue().asText());
            }
        }
        return new ConformanceCase(file, c.path("name").asText("case" + index),
                c.path("description").asText(""), vars, steps(c.get("steps")), steps(c.get("cleanup")));
    }

    private static List<Step> steps(JsonNode list) {
        List<Step> out = new ArrayList<>();
        if (list != null) {
            list.forEach(s -> out.add(new Step(s)));
        }
        return out;
    }

    /** "file::name", the label used in failure lines. */
    public String label() {
        return file + "::" + name;
    }

    /** Address keys (nsqd_tcp, lookupd_http, ...) the steps need; cleanup steps do not count. */
    public TreeSet<String> neededAddresses() {
        TreeSet<String> out = new TreeSet<>();
        for (Step s : steps) {
            String a = s.neededAddress();
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }
}
