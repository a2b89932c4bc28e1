/**
 * The HTTP API and the canvas's files, guarded against other sites' pages. It serves whatever fills its two ports:
 * PipelineHost (what runs where, deploying) and RunSource (the runs); the local runner and the cluster server do.
 * Nothing here knows either.
 */
package io.imageflowcanvas.server;
