/**
 * Strict validation of every object we render or ship against the pinned upstream schemas (Argo, Knative) and
 * fabric8's models of Kubernetes' own kinds.
 */
package io.imageflowcanvas.argo.schema;
