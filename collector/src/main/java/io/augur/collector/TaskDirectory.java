package io.augur.collector;

import io.augur.schema.TaskEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the collector knows of each task from augur.tasks. Thread-safe. */
public final class TaskDirectory {
    private final Map<String, TaskInfo> tasks = new ConcurrentHashMap<>();

    /** Takes in a life-cycle event; an ENDED task keeps its info for its last samples. */
    public void learn(TaskEvent event) {
        tasks.put(event.getTaskId(), new TaskInfo(event.getUserId(), event.getRole()));
    }

    public TaskInfo infoOf(String taskId) {
        return tasks.getOrDefault(taskId, TaskInfo.UNKNOWN);
    }

    public int size() {
        return tasks.size();
    }
}
