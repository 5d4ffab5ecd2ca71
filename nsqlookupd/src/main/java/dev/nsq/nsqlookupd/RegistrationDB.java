package dev.nsq.nsqlookupd;

import dev.nsq.protocol.Names;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * nsqlookupd's one database (NSQ's registration_db.go): registration → producers by peer id. Fed by
 * the V1 TCP protocol and by the clustered event bus alike, read by the HTTP API. Registrations
 * outlive their producers (only ephemeral ones are dropped when their last producer leaves);
 * inactivity never deletes anything, it only filters what {@code /lookup} and {@code /nodes} show.
 *
 * <p>Thread-safety: any thread; a read-write lock as NSQ's RWMutex (lookups far outnumber changes).
 */
final class RegistrationDB {
    private static final Logger log = LoggerFactory.getLogger(RegistrationDB.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Registration, Map<String, Producer>> registrations = new LinkedHashMap<>();

    // ---- primitives (NSQ's names) -----------------------------------------------------------

    /** Adds the key with no producers if it is missing. */
    void addRegistration(Registration k) {
        lock.writeLock().lock();
        try {
            registrations.computeIfAbsent(k, x -> new LinkedHashMap<>());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Files the peer under the key; false when it was there already (its tombstone, if any, stays). */
    boolean addProducer(Registration k, PeerInfo peer) {
        lock.writeLock().lock();
        try {
            Map<String, Producer> ps = registrations.computeIfAbsent(k, x -> new LinkedHashMap<>());
            if (ps.containsKey(peer.id)) return false;
            ps.put(peer.id, new Producer(peer));
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** What {@link #removeProducer} did: whether the peer was there, and how many producers the key has left. */
    record Removal(boolean removed, int left) {}

    /**
     * Removes the peer from the key. As NSQ's RemoveProducer, {@code left} counts the key's producers
     * whether or not the peer was one of them (0 for a missing key), so an empty ephemeral key goes
     * on any UNREGISTER of it.
     */
    Removal removeProducer(Registration k, String id) {
        lock.writeLock().lock();
        try {
            Map<String, Producer> ps = registrations.get(k);
            if (ps == null) return new Removal(false, 0);
            boolean removed = ps.remove(id) != null;
            return new Removal(removed, ps.size());
        } finally {
            lock.writeLock().unlock();
        }
    }

    void removeRegistration(Registration k) {
        lock.writeLock().lock();
        try {
            registrations.remove(k);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Keys matching, with {@code "*"} as a wildcard for key and subKey. */
    List<Registration> findRegistrations(String category, String key, String subKey) {
        lock.readLock().lock();
        try {
            List<Registration> out = new ArrayList<>();
            if (!Registration.ANY.equals(key) && !Registration.ANY.equals(subKey)) {
                Registration k = new Registration(category, key, subKey);
                if (registrations.containsKey(k)) out.add(k);
                return out;
            }
            for (Registration r : registrations.keySet()) if (r.matches(category, key, subKey)) out.add(r);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Producers under the matching keys, each peer once. */
    List<Producer> findProducers(String category, String key, String subKey) {
        lock.readLock().lock();
        try {
            Map<String, Producer> out = new LinkedHashMap<>();
            for (Map.Entry<Registration, Map<String, Producer>> e : registrations.entrySet()) {
                if (!e.getKey().matches(category, key, subKey)) continue;
                for (Producer p : e.getValue().values()) out.putIfAbsent(p.peer.id, p);
            }
            return new ArrayList<>(out.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every key the peer is filed under. */
    List<Registration> lookupRegistrations(String id) {
        lock.readLock().lock();
        try {
            List<Registration> out = new ArrayList<>();
            for (Map.Entry<Registration, Map<String, Producer>> e : registrations.entrySet()) {
                if (e.getValue().containsKey(id)) out.add(e.getKey());
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of everything, for {@code /debug}. */
    Map<Registration, List<Producer>> snapshot() {
        lock.readLock().lock();
        try {
            Map<Registration, List<Producer>> out = new LinkedHashMap<>();
            registrations.forEach((k, v) -> out.put(k, new ArrayList<>(v.values())));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    static List<String> keys(List<Registration> rs) {
        Set<String> out = new LinkedHashSet<>();
        for (Registration r : rs) out.add(r.key());
        return new ArrayList<>(out);
    }

    static List<String> subKeys(List<Registration> rs) {
        Set<String> out = new LinkedHashSet<>();
        for (Registration r : rs) out.add(r.subKey());
        return new ArrayList<>(out);
    }

    // ---- what a peer does (shared by the V1 protocol and the event bus) ----------------------

    /** IDENTIFY: the peer is known as a client. */
    void identify(PeerInfo peer) {
        if (addProducer(Registration.CLIENTS, peer)) log.info("DB: client({}) REGISTER category:client key: subkey:", peer);
    }

    /** REGISTER topic [channel]: the channel (if any) and the topic. */
    void register(PeerInfo peer, String topic, String channel) {
        if (channel != null && !channel.isEmpty() && addProducer(Registration.channel(topic, channel), peer)) {
            log.info("DB: client({}) REGISTER category:channel key:{} subkey:{}", peer, topic, channel);
        }
        if (addProducer(Registration.topic(topic), peer)) {
            log.info("DB: client({}) REGISTER category:topic key:{} subkey:", peer, topic);
        }
    }

    /**
     * UNREGISTER topic [channel]. A channel: the peer leaves it, and an ephemeral channel left with
     * no producer goes. A topic: the peer leaves all its channels and the topic; an ephemeral topic
     * left with no producer goes.
     */
    void unregister(PeerInfo peer, String topic, String channel) {
        if (channel != null && !channel.isEmpty()) {
            Registration k = Registration.channel(topic, channel);
            Removal r = removeProducer(k, peer.id);
            if (r.removed()) log.info("DB: client({}) UNREGISTER category:channel key:{} subkey:{}", peer, topic, channel);
            if (r.left() == 0 && Names.isEphemeral(channel)) removeRegistration(k);
            return;
        }
        for (Registration r : findRegistrations(Registration.CHANNEL, topic, Registration.ANY)) {
            if (removeProducer(r, peer.id).removed()) {
                log.warn("DB: client({}) unexpected UNREGISTER category:channel key:{} subkey:{}", peer, topic, r.subKey());
            }
        }
        Registration k = Registration.topic(topic);
        Removal r = removeProducer(k, peer.id);
        if (r.removed()) log.info("DB: client({}) UNREGISTER category:topic key:{} subkey:", peer, topic);
        if (r.left() == 0 && Names.isEphemeral(topic)) removeRegistration(k);
    }

    /** The peer is gone (connection closed, node left the cluster): out of every registration. */
    void removePeer(String id) {
        for (Registration r : lookupRegistrations(id)) {
            if (removeProducer(r, id).removed()) {
                log.info("DB: client({}) UNREGISTER category:{} key:{} subkey:{}", id, r.category(), r.key(), r.subKey());
            }
        }
    }
}
