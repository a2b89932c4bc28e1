/**
 * The local executor: a pipeline's DAG with the same semantics as the Argo WorkflowTemplate (parallelism, retries
 * with backoff, fail fast, skips), calling each step over HTTP.
 */
package io.imageflowcanvas.local.executor;
