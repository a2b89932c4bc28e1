/**
 * Kafka on one machine: the in-process broker, progress events out, camera events in.
 */
package io.imageflowcanvas.local.kafka;
