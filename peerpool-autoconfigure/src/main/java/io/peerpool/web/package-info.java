/**
 * Web routing: read intent for GET, HEAD, OPTIONS and TRACE, write intent for other methods,
 * route overrides by path or handler, and the signed pin cookie that carries read-your-writes
 * across requests.
 */
@NullMarked
package io.peerpool.web;

import org.jspecify.annotations.NullMarked;
