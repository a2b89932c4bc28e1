/** Retention: what a pipeline's runs touched, deleted once it is older than the pipeline keeps it. */
package io.imageflowcanvas.local.retention;
