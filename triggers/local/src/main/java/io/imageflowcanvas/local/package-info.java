/**
 * The local runner: it starts the functions, watches buckets and reconciles missed drops, takes camera events,
 * runs pipelines with the executor, records them in the history, and fills the API server's ports.
 */
package io.imageflowcanvas.local;
