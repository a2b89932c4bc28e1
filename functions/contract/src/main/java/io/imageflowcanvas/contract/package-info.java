/**
 * The step contract: what a function is asked ({@link io.imageflowcanvas.contract.StepRequest}), what it answers
 * ({@link io.imageflowcanvas.contract.StepResult}), the CloudEvent types and topics, trace parents, and the JSON
 * Schemas under {@code schemas/}. Every other module depends on this one; it depends on nothing heavy.
 */
package io.imageflowcanvas.contract;
