package io.imageflowcanvas.imaging.storage;

import io.imageflowcanvas.contract.ObjectRef;
import java.util.Map;

/** What the store says of one object: its reference (with eTag, version, size, type) and its user metadata. */
public record StoredObject(ObjectRef ref, Map<String, String> userMetadata) {
}
