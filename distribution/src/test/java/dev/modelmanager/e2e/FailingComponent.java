package dev.modelmanager.e2e;

/**
 * A Declarative Services component whose activation fails, in a bundle that {@link LogFileIT} makes: where Felix
 * SCR reports the failure is what the test looks at.
 */
public class FailingComponent {
    /** The message the failure carries, looked for in the log. */
    static final String MESSAGE = "failing-component-activation-" + "0b5e";

    public void activate() {
        throw new IllegalStateException(MESSAGE);
    }
}
