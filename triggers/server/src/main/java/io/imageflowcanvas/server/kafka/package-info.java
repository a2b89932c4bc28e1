/**
 * Kafka as both hosts use it: camera CloudEvents in (stored as frames or resolved as references, handed to the host
 * to run) and run progress out, the same on one machine and on a cluster.
 */
package io.imageflowcanvas.server.kafka;
