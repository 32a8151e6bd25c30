package io.livehub.events.control;

import io.livehub.events.entity.IdempotentAnswer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes a write repeatable: the first answer to an {@code Idempotency-Key} is stored in the
 * write's own transaction and given again, for 24 hours, to every repeat of that key.
 */
@ApplicationScoped
public class Idempotency {

    public static final Duration KEPT = Duration.ofHours(24);

    @PersistenceContext(unitName = "livehub")
    EntityManager em;

    public record Answer(int status, String location, String body) {
    }

    public Optional<Answer> earlier(String key) {
        IdempotentAnswer found = em.find(IdempotentAnswer.class, key);
        if (found == null || found.createdAt() < System.currentTimeMillis() - KEPT.toMillis()) {
            return Optional.empty();
        }
        return Optional.of(new Answer(found.status(), found.location(), found.body()));
    }

    /** Runs the write and records its answer, both or neither; a key seen within 24 h is answered as before. */
    @Transactional
    public Answer once(String key, Supplier<Answer> write) {
        Optional<Answer> earlier = earlier(key);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        IdempotentAnswer expired = em.find(IdempotentAnswer.class, key);
        if (expired != null) {
            em.remove(expired);
            em.flush();
        }
        Answer answer = write.get();
        em.persist(new IdempotentAnswer(key, answer.status(), answer.location(), answer.body(), System.currentTimeMillis()));
        return answer;
    }
}
