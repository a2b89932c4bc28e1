/**
 * Kafka on one machine: the in-process broker, and the runner's progress events on the shared progress topic.
 */
package io.imageflowcanvas.local.kafka;
