package io.livehub.admin.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;

/** Figures of this node's JVM, from the platform MBeans. */
public final class NodeStats {

    private NodeStats() {
    }

    public static JsonObject current() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        return Json.createObjectBuilder()
                .add("jvm", runtime.getVmName() + " " + runtime.getVmVersion())
                .add("started_at", io.livehub.events.entity.Timestamps.format(runtime.getStartTime()))
                .add("uptime_ms", runtime.getUptime())
                .add("heap_used_bytes", heap.getUsed())
                .add("heap_max_bytes", heap.getMax())
                .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                .add("cpus", Runtime.getRuntime().availableProcessors())
                .add("system_load", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0)
                .build();
    }
}
