package io.peerpool.sample;

import java.time.Instant;

/**
 * A note of the sample app.
 *
 * @param id id given by the database
 * @param text what the user wrote
 * @param created when it was stored
 */
public record Note(long id, String text, Instant created) {

}
