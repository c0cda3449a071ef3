package org.fedstats.stats.glm;

import java.util.List;

/**
 * The pooled-rows baseline: a GLM fitted on all rows in one process through the same code path as the federated fit
 * (the same {@link GlmRound} and {@link Irls}), for comparing federated and pooled fits.
 */
public final class PooledGlm {

    private PooledGlm() {
    }

    /** Fits the model on all rows with R's default control. */
    public static GlmFit fit(Family family, List<String> columns, List<GlmRow> rows) {
        return fit(family, columns, rows, GlmControl.defaults());
    }

    /** Fits the model on all rows. */
    public static GlmFit fit(Family family, List<String> columns, List<GlmRow> rows, GlmControl control) {
        return Irls.run(family, columns, control, request -> GlmRound.local(family, rows, request, columns.size()));
    }

    /** Fits the model federated over sites' rows in one process (each site a separate round, then pooled). */
    public static GlmFit fitSites(Family family, List<String> columns, List<List<GlmRow>> sites, GlmControl control) {
        return Irls.run(family, columns, control, request -> {
            GlmRoundStats pooled = null;
            for (List<GlmRow> site : sites) {
                GlmRoundStats s = GlmRound.local(family, site, request, columns.size());
                pooled = pooled == null ? s : pooled.plus(s);
            }
            if (pooled == null) {
                throw new IllegalArgumentException("no sites");
            }
            return pooled;
        });
    }
}
