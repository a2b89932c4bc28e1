/**
 * Images before and after OpenCV: the header probe that refuses what is too large before decoding, the limits, and
 * the codec (decode with JPEG reduction on load, encode). The functions process with it; the API server makes
 * thumbnails with it.
 */
package io.imageflowcanvas.imaging;
