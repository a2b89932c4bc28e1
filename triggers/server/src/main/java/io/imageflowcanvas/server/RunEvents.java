package io.imageflowcanvas.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run events the progress topic carries (run and step state changes, same fields; refused camera events),
 * streamed to browsers as server-sent events ({@code GET /api/runs/events}). Each stream has a bounded queue: a
 * client that stops reading is dropped (its stream ends and EventSource reconnects and reloads) instead of holding
 * events in memory or slowing runs down.
 */
public final class RunEvents implements AutoCloseable {

    /** Browsers listening at once; one more is answered 503 (EventSource tries again). */
    static final int MAX_STREAMS = 32;
    /** Events a stream may fall behind by before it is dropped. */
    static final int QUEUE = 1024;
    /** A comment line this often keeps proxies from closing an idle stream and finds closed connections. */
    static final long KEEPALIVE_MILLIS = 15_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Queued to end a stream. */
    private static final String END = "";

    private final List<BlockingQueue<String>> streams = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    /** A run (stepId null) or step changed state; called from the engine's threads, so thread-safe and quick. */
    public void changed(String runId, String stepId, String status, String message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", runId);
        data.put("stepId", stepId);
        data.put("status", status);
        data.put("message", message);
        data.put("timestamp", Instant.now().toString());
        publish(stepId == null ? "run" : "step", data);
    }

    /**
     * A camera event the runner refused (event {@code refused}: topic, partition, offset, reason, timestamp), as
     * the progress topic tells it: no run carries it, so this is where a browser learns of it.
     */
    public void refused(String topic, int partition, long offset, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topic", topic);
        data.put("partition", partition);
        data.put("offset", offset);
        data.put("reason", reason);
        data.put("timestamp", Instant.now().toString());
        publish("refused", data);
    }

    private void publish(String type, Map<String, Object> data) {
        String event = "id: " + ids.incrementAndGet() + "\nevent: " + type + "\ndata: "
                + JSON.writeValueAsString(data) + "\n\n";
        for (BlockingQueue<String> stream : streams) {
            if (!stream.offer(event)) {
                // Too far behind: end this stream rather than grow without bound.
                streams.remove(stream);
                stream.clear();
                stream.offer(END);
            }
        }
    }

    /** A new stream's writer, with its place among the {@link #MAX_STREAMS}; empty when every place is taken. */
    java.util.Optional<ApiServer.Stream> open() {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        synchronized (streams) {
            if (streams.size() >= MAX_STREAMS) {
                return java.util.Optional.empty();
            }
            streams.add(queue);
        }
        return java.util.Optional.of(out -> stream(queue, out));
    }

    /** Writes events to {@code out} as they come until the client goes away or the runner stops. */
    private void stream(BlockingQueue<String> queue, OutputStream out) throws IOException {
        try {
            // The reconnection delay for EventSource, and something to flush so the client sees the stream open.
            write(out, "retry: 2000\n: connected\n\n");
            while (!closed) {
                String event = queue.poll(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
                if (event != null && event.isEmpty()) {
                    return;
                }
                write(out, event == null ? ": keepalive\n\n" : event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.remove(queue);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** How many browsers are listening (for tests and the runner's log). */
    int listeners() {
        return streams.size();
    }

    @Override
    public void close() {
        closed = true;
        for (BlockingQueue<String> stream : streams) {
            stream.clear();
            stream.offer(END);
        }
    }
}
