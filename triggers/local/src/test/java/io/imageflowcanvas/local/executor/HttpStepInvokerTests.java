package io.imageflowcanvas.local.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.OutputTarget;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The step call on the wire, against a plain socket server that does what a restarted function does to a kept-alive
 * connection: closes it after answering, without saying so.
 */
class HttpStepInvokerTests {

    private static final String RESULT = """
            {"runId": "run-1", "stepId": "resize", "stepType": "resize",
             "input": {"bucket": "raw", "key": "a.jpg"}, "output": {"bucket": "processed", "key": "a.resize.jpg"},
             "outputs": [{"bucket": "processed", "key": "a.resize.jpg"}], "reused": false, "metadata": {},
             "timingsMs": {"total": 3}}
            """;

    @Test
    void aConnectionTheFunctionClosedIsReplacedWithinTheSameAttempt() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        Semaphore closed = new Semaphore(0);
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (Socket connection = server.accept()) {
                        requests.add(answerOne(connection));
                    } catch (IOException e) {
                        return;
                    }
                    closed.release();
                }
            });
            HttpStepInvoker invoker = new HttpStepInvoker(Map.of("resize",
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/")));

            StepResult first = invoker.invoke("resize", request(), Duration.ofSeconds(10));
            assertThat(closed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            // The client keeps the first connection for the next call; the server has closed it meanwhile.
            StepResult second = invoker.invoke("resize", request(), Duration.ofSeconds(10));

            assertThat(first.output().key()).isEqualTo("a.resize.jpg");
            assertThat(second.output().key()).isEqualTo("a.resize.jpg");
            assertThat(requests).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("POST / HTTP/1.1"));
        }
    }

    private static StepRequest request() {
        return new StepRequest("run-1", "resize", ObjectRef.of("raw", "a.jpg"), Map.of("width", 64),
                new OutputTarget("processed", "", "resize"));
    }

    /** Reads one request (its headers and its body of content-length) and answers it as HTTP/1.1 would, kept alive. */
    private static String answerOne(Socket connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        int length = 0;
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
        }
        char[] body = new char[length];
        for (int read = 0; read < length; ) {
            int more = in.read(body, read, length - read);
            if (more < 0) {
                throw new IOException("the request ended " + (length - read) + " bytes early");
            }
            read += more;
        }
        byte[] answer = RESULT.getBytes(StandardCharsets.UTF_8);
        OutputStream out = connection.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + answer.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(answer);
        out.flush();
        return requestLine;
    }
}
