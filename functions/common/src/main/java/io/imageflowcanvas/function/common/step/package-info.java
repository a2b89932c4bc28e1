/**
 * Running one step: request checks, the decode budget, the deadline, idempotent output keys and metadata
 * (identity, lineage), reuse of an existing output, tracing and metrics around each phase.
 */
package io.imageflowcanvas.function.common.step;
