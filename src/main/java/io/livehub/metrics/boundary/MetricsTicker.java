package io.livehub.metrics.boundary;

import io.livehub.events.entity.Timestamps;
import io.livehub.live.control.Hub;
import io.livehub.live.control.MessageEncoder;
import io.livehub.live.entity.MetricsUpdate;
import io.livehub.metrics.control.Metrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.logging.Logger;

/** Broadcasts {@code metrics_update} to every connection every {@code livehub.metrics.interval} ms. */
@Startup
@Singleton
public class MetricsTicker {

    private static final Logger LOG = Logger.getLogger(MetricsTicker.class.getName());

    @Resource
    TimerService timers;

    @Inject
    @ConfigProperty(name = "livehub.metrics.interval", defaultValue = "2000")
    long interval;

    @Inject
    Metrics metrics;

    @Inject
    Hub hub;

    @PostConstruct
    void start() {
        long every = Math.max(100, interval);
        timers.createIntervalTimer(every, every, new TimerConfig("livehub-metrics", false));
        LOG.info("Broadcasting metrics_update every " + every + " ms");
    }

    @Timeout
    void tick() {
        if (!hub.connections().isEmpty()) {
            hub.broadcast(MessageEncoder.toText(new MetricsUpdate(metrics.current(), Timestamps.now())));
        }
    }
}
