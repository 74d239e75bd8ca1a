"""Read, summarise and plot leosem sweep files (the HDF5 layout of docs/sweep-output.md).

    import leosem
    ds = leosem.open_sweep("fig4-delay.h5")   # xarray.Dataset: dims (algorithm, <axis fields>, instance)
    leosem.summary(ds)                        # mean power (dBm) and 95 % CI per algorithm and point
    leosem.paired(ds)                         # per point, over the instances every algorithm serves
    leosem.plot(ds, x="users.deadline_mean_slots")
    leosem.certified_gap_summary(ds)          # with "lower-bound" among the algorithms: proven gaps
"""
from .sweep import (BOUND, FORMAT, SERVED_STATUS, STATUS_MEANINGS, STOP_REASONS, certified_gap_db,
                    certified_gap_summary, lower_bound_w, open_sweep, paired, plot, summary, summary_table)

__all__ = ["BOUND", "FORMAT", "SERVED_STATUS", "STATUS_MEANINGS", "STOP_REASONS", "certified_gap_db",
           "certified_gap_summary", "lower_bound_w", "open_sweep", "paired", "plot", "summary", "summary_table"]
__version__ = "0.1.0"
