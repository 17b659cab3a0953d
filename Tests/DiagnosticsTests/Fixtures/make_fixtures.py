"""Regenerate the Diagnostics test fixtures from ArviZ.

Run from this folder with a Python that has ArviZ installed:

    python3 -m venv /tmp/azvenv && /tmp/azvenv/bin/pip install arviz==0.23.4
    /tmp/azvenv/bin/python make_fixtures.py

Writes one CSV of draws per case (`<case>.csv`: one row per draw, one column per chain,
17 significant digits so the doubles round-trip) and `expected.json` with ArviZ's values.
"""

import json
import warnings

import numpy as np
import scipy
import scipy.stats
import arviz as az

warnings.filterwarnings("ignore")


def ar1(rng, chains, draws, rho, scale=1.0):
    out = np.empty((chains, draws))
    for c in range(chains):
        x = rng.normal() / np.sqrt(1 - rho**2)
        for d in range(draws):
            x = rho * x + rng.normal()
            out[c, d] = scale * x
    return out


def make_cases():
    rng = np.random.default_rng(20240601)
    cases = {}
    cases["iid_normal"] = rng.normal(0.3, 2.0, size=(4, 300))
    cases["ar1_rho09"] = ar1(rng, 4, 300, 0.9)
    # Strong autocorrelation: Geyer's sequence runs past 100 lags (exercises the FFT path).
    cases["ar1_rho099"] = ar1(rng, 4, 500, 0.99) + 5.0
    cases["heavy_tailed"] = rng.standard_t(1.5, size=(4, 300))
    shifted = rng.normal(size=(4, 300))
    shifted[2] += 1.5
    cases["shifted_chain"] = shifted
    cases["discrete_ties"] = rng.poisson(2.0, size=(4, 300)).astype(float)
    cases["odd_length"] = ar1(rng, 4, 251, 0.5, scale=0.1) - 3.0
    cases["single_chain"] = ar1(rng, 1, 400, 0.3)
    cases["two_chains_short"] = rng.gamma(2.0, 1.0, size=(2, 7))
    cases["constant"] = np.full((4, 200), 1.25)
    cases["stuck_chains"] = np.repeat(np.array([[0.0], [1.0], [2.0], [3.0]]), 100, axis=1)
    return cases


def number(x):
    """A double as its shortest round-trip text ('nan', 'inf' included): JSON parsers do not
    all round decimal numbers correctly, so the tests parse these strings themselves."""
    return repr(float(x))


def expected_for(ary):
    flat = ary.ravel()
    summ = az.summary(
        az.convert_to_inference_data(ary[None, ...].transpose(1, 2, 0)[..., 0]),
        round_to="none",
        kind="diagnostics",
    )
    row = summ.iloc[0]
    q5, q50, q95 = np.quantile(flat, [0.05, 0.5, 0.95])  # numpy's default 'linear' method
    return {
        "chains": int(ary.shape[0]),
        "draws": int(ary.shape[1]),
        "mean": number(np.mean(flat)),
        "sd": number(np.std(flat, ddof=1)),
        "q5": number(q5),
        "q50": number(q50),
        "q95": number(q95),
        "rhat": number(az.rhat(ary, method="rank")),
        "ess_bulk": number(az.ess(ary, method="bulk")),
        "ess_tail": number(az.ess(ary, method="tail")),
        "ess_mean": number(az.ess(ary, method="mean")),
        "mcse_mean": number(az.mcse(ary, method="mean")),
        "summary_mcse_mean": number(row["mcse_mean"]),
        "summary_ess_bulk": number(row["ess_bulk"]),
        "summary_ess_tail": number(row["ess_tail"]),
        "summary_r_hat": number(row["r_hat"]),
    }


def write_csv(path, ary):
    chains, draws = ary.shape
    with open(path, "w") as f:
        f.write(",".join(f"chain_{c + 1}" for c in range(chains)) + "\n")
        for d in range(draws):
            f.write(",".join(repr(float(ary[c, d])) for c in range(chains)) + "\n")


def energy_series():
    """A sampler-like energy trace: AR(1) around a level, one sluggish chain (low E-BFMI)."""
    rng = np.random.default_rng(7)
    energy = np.empty((4, 300))
    for c, rho in enumerate([0.1, 0.3, 0.6, 0.95]):
        energy[c] = 150.0 + 8.0 * ar1(rng, 1, 300, rho)[0]
    return energy


def main():
    cases = make_cases()
    expected = {"arviz_version": az.__version__, "numpy_version": np.__version__,
                "scipy_version": scipy.__version__, "cases": {}}
    for name, ary in cases.items():
        write_csv(f"{name}.csv", ary)
        expected["cases"][name] = expected_for(ary)
    energy = energy_series()
    write_csv("energy.csv", energy)
    expected["bfmi"] = [number(v) for v in az.bfmi(energy)]
    probabilities = [1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.05, 0.075, 0.3, 0.5, 0.6,
                     0.925, 0.97575, 0.999, 1 - 1e-10]
    expected["norm_ppf"] = [[number(p), number(scipy.stats.norm.ppf(p))] for p in probabilities]
    with open("expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
