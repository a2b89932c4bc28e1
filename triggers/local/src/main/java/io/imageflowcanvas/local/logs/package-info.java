/**
 * What each step of a run logged: the functions' log lines carrying the run's id, and its attempts' errors, kept for
 * the newest runs (GET /api/runs/{runId}/logs, imageflow logs, the canvas' Logs tab).
 */
package io.imageflowcanvas.local.logs;
