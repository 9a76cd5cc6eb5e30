package io.segflow.compaction;

import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * The compaction stream of one channel (source {@code C.compaction-tasks}): queues tasks in a
 * store, starts them by priority within the free worker slots and the exclusion rules, runs them
 * off the stream thread, limits each attempt's time, retries, and reports to
 * {@code C.compaction-results}: started, then completed, failed or timed out. Reports go out on
 * the stream thread, in the same transaction as the queue's changes. After a crash, tasks that
 * were running are queued again; their outputs' paths are fixed by the task, so the rerun
 * overwrites what the first attempt wrote.
 */
public final class CompactionStream implements Processor<String, CompactionTask, String, CompactionResult> {
    public static final String QUEUE = "compaction-queue";
    private static final Logger log = LoggerFactory.getLogger(CompactionStream.class);

    /** Settings and parts the compaction streams of a collection share. */
    public record Context(Supplier<CollectionSpec> spec, CompactionSettings settings, CompactionWorkers workers, CompactionWorker worker,
                          IngestMetrics metrics, long tickMs) {
    }

    private record Running(CompactionTask task, Future<?> future, long startedAtMs) {
    }

    private record Finished(String taskId, CompactionResult result, Exception error) {
    }

    private final Context shared;
    private final Map<String, Running> running = new HashMap<>();
    private volatile long backlogTasks;
    private volatile long backlogBytes;
    private int channel;
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private ProcessorContext<String, CompactionResult> context;
    private KeyValueStore<String, CompactionEntry> queue;
    private Cancellable ticker;

    public CompactionStream(Context shared) {
        this.shared = shared;
    }

    @Override
    public void init(ProcessorContext<String, CompactionResult> context) {
        this.context = context;
        this.queue = context.getStateStore(QUEUE);
        this.channel = context.taskId().partition();
        shared.metrics().compactionBacklog(channel, () -> backlogTasks, () -> backlogBytes);
        ticker = context.schedule(Duration.ofMillis(shared.tickMs()), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, CompactionTask> record) {
        CompactionTask task = record.value();
        if (task == null || queue.get(task.getTaskId()) != null) {
            return;
        }
        queue.put(task.getTaskId(), CompactionEntry.newBuilder().setTask(task).setState(TaskState.PIPELINING.name())
                .setUpdatedAtMs(context.currentSystemTimeMs()).build());
    }

    private void tick(long now) {
        for (Finished done = finished.poll(); done != null; done = finished.poll()) {
            Running run = running.remove(done.taskId());
            if (run != null) {
                complete(run, done, now);
            }
        }
        for (Running run : List.copyOf(running.values())) {
            if (now - run.startedAtMs() > shared.settings().timeoutMs(run.task().getType())) {
                run.future().cancel(true);
                running.remove(run.task().getTaskId());
                fail(run.task(), CompactionStatus.TIMEOUT, "ran longer than " + shared.settings().timeoutMs(run.task().getType()) + " ms", now);
            }
        }
        start(now);
    }

    private void complete(Running run, Finished done, long now) {
        if (done.error() != null) {
            fail(run.task(), CompactionStatus.FAILED, done.error().toString(), now);
            return;
        }
        queue.delete(run.task().getTaskId());
        forward(done.result(), now);
    }

    /** Queues the task again while attempts remain; reports the failure either way. */
    private void fail(CompactionTask task, CompactionStatus status, String error, long now) {
        CompactionEntry entry = queue.get(task.getTaskId());
        boolean retrying = entry.getAttempts() < shared.settings().maxAttempts();
        shared.metrics().compactionFailed(task.getType(), status);
        log.warn("{}: channel {}: compaction {} {} attempt {} {}: {}", task.getCollection(), task.getChannel(), task.getType(),
                task.getTaskId(), entry.getAttempts(), status, error);
        if (retrying) {
            entry.setState(TaskState.PIPELINING.name());
            entry.setError(error);
            queue.put(task.getTaskId(), entry);
        } else {
            queue.delete(task.getTaskId());
        }
        forward(report(task, status, entry.getAttempts(), now).setError(error).setRetrying(retrying).build(), now);
    }

    private void start(long now) {
        List<Scheduler.Queued> waiting = new ArrayList<>();
        Map<CompactionPlan, CompactionTask> tasks = new IdentityHashMap<>();
        try (KeyValueIterator<String, CompactionEntry> all = queue.all()) {
            all.forEachRemaining(kv -> {
                if (!running.containsKey(kv.key)) {
                    CompactionPlan plan = plan(kv.value.getTask());
                    tasks.put(plan, kv.value.getTask());
                    waiting.add(new Scheduler.Queued(kv.value.getTask().getCreatedAtMs(), plan));
                }
            });
        }
        backlogTasks = waiting.size();
        backlogBytes = tasks.values().stream().mapToLong(CompactionBacklog::bytesToRead).sum();
        if (waiting.isEmpty()) {
            return;
        }
        List<CompactionPlan> busy = running.values().stream().map(r -> plan(r.task())).toList();
        for (Scheduler.Queued next : Scheduler.startable(waiting, busy, shared.workers().freeSlots())) {
            CompactionTask task = tasks.get(next.plan());
            CompactionEntry entry = queue.get(task.getTaskId());
            int attempt = entry.getAttempts() + 1;
            CollectionSpec spec = shared.spec().get();
            Future<?> future = shared.workers().start(() -> run(task, spec, attempt));
            if (future == null) {
                return;
            }
            entry.setAttempts(attempt);
            entry.setState(TaskState.EXECUTING.name());
            entry.setUpdatedAtMs(now);
            queue.put(task.getTaskId(), entry);
            running.put(task.getTaskId(), new Running(task, future, now));
            forward(report(task, CompactionStatus.STARTED, attempt, now).build(), now);
        }
    }

    private void run(CompactionTask task, CollectionSpec spec, int attempt) {
        try {
            long start = System.nanoTime();
            CompactionResult result = shared.worker().run(task, spec, attempt);
            shared.metrics().compactionWorked(task.getType(), System.nanoTime() - start);
            finished.add(new Finished(task.getTaskId(), result, null));
        } catch (Exception e) {
            finished.add(new Finished(task.getTaskId(), null, e));
        }
    }

    private void forward(CompactionResult result, long now) {
        context.forward(new Record<>(String.valueOf(result.getChannel()), result, now));
    }

    private static CompactionResult.Builder report(CompactionTask task, CompactionStatus status, int attempt, long now) {
        return CompactionResult.newBuilder().setTaskId(task.getTaskId()).setTriggerId(task.getTriggerId()).setCollection(task.getCollection())
                .setChannel(task.getChannel()).setType(task.getType()).setStatus(status).setInputs(task.getInputs())
                .setAttempt(attempt).setCompletedAtMs(now);
    }

    static CompactionPlan plan(CompactionTask task) {
        return new CompactionPlan(task.getType(), task.getChannel(), task.getPartition(), task.getInputs(), task.getTargets(),
                task.getTargetLevel(), task.getTargetSizeBytes(), task.getPriority(),
                CompactionReason.fromLabel(task.getReason()).orElse(null));
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel();
        }
        shared.metrics().removeBacklog(channel);
        running.values().forEach(run -> run.future().cancel(true));
    }
}
