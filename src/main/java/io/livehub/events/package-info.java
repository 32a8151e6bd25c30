/**
 * The event store: events written over REST, kept durably, each change numbered.
 * <p>
 * Every write (create, update, delete) takes the next {@code seq} of its channel by locking
 * the channel's counter row in the same transaction, and appends a {@code Change} to the
 * channel's change log; so seqs are 1, 2, 3 ... in commit order with no gap, on every node
 * that shares the database. After the commit a CDI event {@code Changed} tells the hub;
 * the change log is what a reconnecting client is replayed from.
 */
package io.livehub.events;
