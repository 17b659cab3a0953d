#!/usr/bin/env python3
"""Checks a fit directory with the real clients: ArviZ and cmdstanpy load the chain files,
log_lik lands in ArviZ's log_likelihood group and the sampler columns in sample_stats, and
RLFit's summary.csv agrees with ArviZ's own summary of the same draws.

Usage: validate_fit_outputs.py FIT_DIR
"""
import glob
import math
import os
import subprocess
import sys

import arviz as az
import cmdstanpy
import numpy as np
import pandas as pd


def main(fit_dir: str) -> int:
    files = sorted(glob.glob(f"{fit_dir}/chain-*.csv"))
    assert files, f"no chain files in {fit_dir}"

    idata = az.from_cmdstan(files)
    groups = set(idata.groups())
    assert {"posterior", "sample_stats", "log_likelihood"} <= groups, groups
    assert "log_lik" in idata.log_likelihood, list(idata.log_likelihood.data_vars)
    stats = set(idata.sample_stats.data_vars)
    for name in ["lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy"]:
        assert name in stats, (name, stats)
    posterior = set(idata.posterior.data_vars)
    for name in ["mu_pr", "sigma", "mu_A", "mu_tau", "A", "tau", "A_pr", "tau_pr"]:
        assert name in posterior, (name, posterior)
    chains, draws = idata.posterior.sizes["chain"], idata.posterior.sizes["draw"]
    subjects = idata.log_likelihood["log_lik"].shape[-1]
    print(f"arviz {az.__version__}: {chains} chains x {draws} draws, log_lik for {subjects} subjects")

    loo = az.loo(idata)
    print(f"arviz loo: elpd_loo {loo.elpd_loo:.2f} (se {loo.se:.2f})")
    rlfit = os.environ.get("RLFIT")
    if rlfit:
        # `rlfit compare DIR` computes the same subject-level PSIS-LOO in Swift.
        out = subprocess.run([rlfit, "compare", fit_dir], capture_output=True, text=True, check=True).stdout
        row = next(line for line in out.splitlines() if line.startswith(os.path.basename(fit_dir.rstrip("/"))))
        elpd, se, p_loo = (float(v) for v in row.split(")")[1].split()[:3])
        assert abs(elpd - loo.elpd_loo) < 0.05 + 1e-3 * abs(loo.elpd_loo), (elpd, loo.elpd_loo)
        assert abs(se - loo.se) < 0.05 + 1e-2 * loo.se, (se, loo.se)
        assert abs(p_loo - loo.p_loo) < 0.05 + 1e-2 * abs(loo.p_loo), (p_loo, loo.p_loo)
        print(f"rlfit compare agrees with arviz.loo: elpd_loo {elpd} (se {se}, p_loo {p_loo})")

    fit = cmdstanpy.from_csv(files)
    shape = fit.draws().shape
    assert shape[0] == draws and shape[1] == chains, shape
    a = fit.stan_variable("A")
    assert a.shape == (chains * draws, subjects), a.shape
    print(f"cmdstanpy {cmdstanpy.__version__}: draws {shape}, metric {fit.metric_type}")

    # RLFit's summary.csv against ArviZ's summary of the same (6-significant-digit) draws.
    ours = pd.read_csv(f"{fit_dir}/summary.csv").set_index("name")
    names = ["mu_A", "mu_tau", "sigma", "mu_pr"]
    theirs = az.summary(idata, var_names=names, round_to="none")
    worst = 0.0
    for label, row in theirs.iterrows():
        key = label.replace("[", ".").replace("]", "")
        if "." in key:
            base, index = key.split(".")
            key = f"{base}.{int(index) + 1}"
        mine = ours.loc[key]
        for column, ref in [("mean", "mean"), ("sd", "sd"), ("ess_bulk", "ess_bulk"), ("ess_tail", "ess_tail"), ("rhat", "r_hat")]:
            x, y = float(mine[column]), float(row[ref])
            rel = abs(x - y) / max(abs(y), 1e-12)
            worst = max(worst, rel)
            assert rel < 2e-3 or abs(x - y) < 1e-5, (key, column, x, y)
    print(f"summary.csv agrees with arviz.summary (worst relative difference {worst:.2e})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
