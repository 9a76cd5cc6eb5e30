package io.segflow.compaction;

import io.segflow.schema.CompactionType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses which queued tasks start now: by priority (lower first, then first queued), as long as
 * worker slots are free, skipping any that conflicts with a running or chosen task. An L0 delete
 * that must wait holds back every other rewrite of its channel, so running ones drain and it goes
 * next: deletes are never starved by other work.
 */
public final class Scheduler {
    /** A queued task: its plan and the order it was queued in. */
    public record Queued(long sequence, CompactionPlan plan) {
    }

    private Scheduler() {
    }

    public static List<Queued> startable(List<Queued> queued, List<CompactionPlan> running, int freeSlots) {
        List<Queued> chosen = new ArrayList<>();
        List<CompactionPlan> busy = new ArrayList<>(running);
        Set<Integer> l0Waiting = new HashSet<>();
        List<Queued> ordered = queued.stream()
                .sorted(Comparator.comparingInt((Queued q) -> q.plan().priority()).thenComparingLong(Queued::sequence)).toList();
        for (Queued task : ordered) {
            if (chosen.size() == freeSlots) {
                break;
            }
            boolean l0 = task.plan().type() == CompactionType.L0_DELETE;
            boolean blocked = busy.stream().anyMatch(other -> Exclusion.conflict(task.plan(), other))
                    || (!l0 && l0Waiting.contains(task.plan().channel()));
            if (blocked) {
                if (l0) {
                    l0Waiting.add(task.plan().channel());
                }
                continue;
            }
            chosen.add(task);
            busy.add(task.plan());
        }
        return chosen;
    }
}
