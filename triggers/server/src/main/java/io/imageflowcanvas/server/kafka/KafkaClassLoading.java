package io.imageflowcanvas.server.kafka;

import java.util.function.Supplier;

/**
 * Makes Kafka clients on any thread. A client loads the classes its configuration names (serializers, login
 * modules) through the calling thread's context class loader; a thread of the HTTP API or a pool it started may have
 * one that does not see Kafka (the launcher's jar-in-jar loader), and the client then fails, its class
 * initialisation with it for good. With no context loader Kafka uses its own (Utils.getContextOrKafkaClassLoader).
 */
final class KafkaClassLoading {

    private KafkaClassLoading() {
    }

    static <T> T withKafkasLoader(Supplier<T> make) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            return make.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
