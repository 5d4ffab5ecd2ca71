/**
 * Java client for NSQ's TCP protocol V2, built on Vert.x.
 *
 * <ul>
 *   <li>{@link dev.nsq.client.Producer}: one connection to one nsqd; PUB/MPUB/DPUB pipelined in a
 *   bounded window, each publish completing its own future.</li>
 *   <li>{@link dev.nsq.client.Consumer}: one topic/channel; connections to every nsqd found
 *   directly or through nsqlookupd; {@code max_in_flight} spread as RDY; backoff; max attempts.</li>
 * </ul>
 *
 * Threading: each producer and each consumer is confined to one Vert.x event-loop context; public
 * methods may be called from any thread and hop onto that context. Futures returned to callers are
 * completed on that event loop, so do not block inside their callbacks.
 */
package dev.nsq.client;
