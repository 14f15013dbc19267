package dev.panamax.tensors.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensor storages alive now, for leak reports: a list threaded through two fields of each {@link Storage}, under
 * one lock. Every tensor of a step passes through here twice; a concurrent hash set cost a node and the storage's
 * identity hash each time (7 % of a GPT's generation step, JFR).
 */
final class LiveStorages {
    private final Object lock = new Object();
    private Storage head;
    private int size;

    void add(Storage s) {
        synchronized (lock) {
            s.livePrev = null;
            s.liveNext = head;
            if (head != null) head.livePrev = s;
            head = s;
            s.live = true;
            size++;
        }
    }

    void remove(Storage s) {
        synchronized (lock) {
            if (!s.live) return;
            if (s.livePrev != null) s.livePrev.liveNext = s.liveNext;
            else head = s.liveNext;
            if (s.liveNext != null) s.liveNext.livePrev = s.livePrev;
            s.livePrev = s.liveNext = null;
            s.live = false;
            size--;
        }
    }

    int size() {
        synchronized (lock) {
            return size;
        }
    }

    /** The live storages, newest first. */
    List<Storage> list() {
        synchronized (lock) {
            List<Storage> all = new ArrayList<>(size);
            for (Storage s = head; s != null; s = s.liveNext) all.add(s);
            return all;
        }
    }
}
