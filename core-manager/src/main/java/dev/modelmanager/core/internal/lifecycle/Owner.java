package dev.modelmanager.core.internal.lifecycle;

/**
 * Who owns a reference: the bundle whose view of the manager took it. Only its owner releases an owned reference
 * (by releasing it, or all at once when the bundle releases the manager service). References without an owner
 * (plain Java, declared models, and operators' durable requesters such as the shell and REST) anyone may release.
 *
 * @param bundleId     the owning bundle's id
 * @param symbolicName its symbolic name, for messages
 */
public record Owner(long bundleId, String symbolicName) {
    @Override
    public String toString() {
        return "bundle " + symbolicName + " [" + bundleId + "]";
    }
}
