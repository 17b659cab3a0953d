"""Regenerate the PSIS-LOO and model-comparison fixtures from ArviZ.

Run from this folder with a Python that has ArviZ installed:

    python3 -m venv /tmp/loovenv && /tmp/loovenv/bin/pip install arviz==0.23.4
    /tmp/loovenv/bin/python make_loo_fixtures.py

Three regression models of the same 20 observations (one outlier, one high-leverage point),
sampled exactly from their conjugate posteriors with NumPy's seeded `default_rng`:

- `loo_linear.csv`    linear regression, sigma known = 1, flat prior: 4000 draws x 20 points
                      (tail length 3*sqrt(S) = 190; the outlier gets k-hat > 0.7);
- `loo_quadratic.csv` quadratic regression, sigma known = 1: 1000 draws (tail 95);
- `loo_constant.csv`  intercept only, sigma known = 2: 100 draws (tail 0.2*S = 20,
                      good_k = 0.5).

Each CSV has one row per draw and one column per observation (the pointwise log-likelihood,
Python's repr so every double round-trips). `loo_expected.json` holds `az.loo(...,
pointwise=True)` for each (with a fixed reff), `az.psislw` on a few single vectors, ArviZ's
`_gpdfit` on a few sorted samples, and `az.compare` with each weighting method. Every number is
a string (Python's repr) parsed by the tests with Swift's `Double(String)`.
"""

import json
import warnings

import numpy as np
import scipy
import scipy.stats as st
from scipy.optimize import minimize
import arviz as az
from arviz.stats.stats import _gpdfit

warnings.filterwarnings("ignore")


def number(x):
    return repr(float(x))


def numbers(xs):
    return [number(x) for x in np.asarray(xs, dtype=float).ravel()]


def write_csv(name, matrix):
    """matrix: draws x points."""
    with open(name, "w") as f:
        f.write(",".join(f"point_{i + 1}" for i in range(matrix.shape[1])) + "\n")
        for row in matrix:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def data(rng):
    n = 20
    x = np.linspace(-2.0, 2.0, n)
    x[17] = 6.0  # high leverage
    y = 1.0 + 0.5 * x + rng.normal(size=n)
    y[19] += 8.0  # outlier
    return x, y


def regression_loglik(rng, design, y, sigma, draws):
    """Exact posterior draws of the coefficients (flat prior, known sigma) and the pointwise
    normal log-likelihood, draws x points."""
    xtx = design.T @ design
    mean = np.linalg.solve(xtx, design.T @ y)
    cov = sigma**2 * np.linalg.inv(xtx)
    beta = rng.multivariate_normal(mean, cov, size=draws)
    mu = beta @ design.T
    return st.norm.logpdf(y[None, :], loc=mu, scale=sigma)


def loo_entry(loglik, reff):
    idata = az.from_dict(log_likelihood={"y": loglik[None, :, :]})
    res = az.loo(idata, pointwise=True, reff=reff)
    lppd_i = scipy.special.logsumexp(loglik, axis=0) - np.log(loglik.shape[0])
    return res, {
        "reff": number(reff),
        "draws": int(loglik.shape[0]),
        "points": int(loglik.shape[1]),
        "elpd_loo": number(res["elpd_loo"]),
        "se": number(res["se"]),
        "p_loo": number(res["p_loo"]),
        "good_k": number(res["good_k"]),
        "warning": bool(res["warning"]),
        "loo_i": numbers(res["loo_i"].values),
        "pareto_k": numbers(res["pareto_k"].values),
        "lppd_i": numbers(lppd_i),
    }


def main():
    rng = np.random.default_rng(20250301)
    x, y = data(rng)
    ones = np.ones_like(x)
    models = {
        "linear": (np.column_stack([ones, x]), 1.0, 4000, 1.0),
        "quadratic": (np.column_stack([ones, x, x**2]), 1.0, 1000, 0.8),
        "constant": (ones[:, None], 2.0, 100, 1.0),
    }
    expected = {"arviz_version": az.__version__, "numpy_version": np.__version__,
                "scipy_version": scipy.__version__, "loo": {}, "psislw": {}, "gpdfit": {}}
    loos = {}
    logliks = {}
    for name, (design, sigma, draws, reff) in models.items():
        ll = regression_loglik(rng, design, y, sigma, draws)
        logliks[name] = ll
        write_csv(f"loo_{name}.csv", ll)
        loos[name], expected["loo"][name] = loo_entry(ll, reff)

    # psislw on single vectors: log ratios -loglik of the outlier (S = 4000), heavy-tailed
    # log ratios with reff < 1, a short vector whose tail is too short to fit (k = inf), and
    # a vector of 30 (tail of 6 exceedances).
    vectors = {
        "outlier_point": (-logliks["linear"][:, 19], 1.0),
        "heavy_tail": (np.log(np.abs(rng.standard_t(2.5, size=1000))) * 1.7, 0.7),
        "short": (rng.normal(size=10), 1.0),
        "thirty": (rng.normal(size=30) * 2.0, 1.0),
        "light_tail": (rng.uniform(-1.0, 0.0, size=500), 1.0),
    }
    for name, (v, reff) in vectors.items():
        lw, k = az.psislw(v.copy(), reff=reff)
        lw_raw, _ = az.psislw(v.copy(), reff=reff, normalize=False)
        expected["psislw"][name] = {
            "reff": number(reff),
            "log_ratios": numbers(v),
            "log_weights": numbers(lw),
            "log_weights_unnormalized": numbers(lw_raw),
            "k": number(k),
        }

    # _gpdfit on sorted positive samples.
    samples = {
        "pareto_k05": np.sort(st.genpareto.rvs(0.5, scale=2.0, size=200, random_state=rng)),
        "exponential": np.sort(rng.exponential(size=50)),
        "bounded_k_neg": np.sort(st.genpareto.rvs(-0.4, scale=1.0, size=80, random_state=rng)),
        "five": np.sort(rng.exponential(size=5)),
    }
    for name, s in samples.items():
        k, sigma = _gpdfit(s)
        expected["gpdfit"][name] = {"sample": numbers(s), "k": number(k), "sigma": number(sigma)}

    # az.compare with each weighting method, on the precomputed ELPDData.
    compare = {}
    for method in ["stacking", "pseudo-BMA", "BB-pseudo-BMA"]:
        df = az.compare(dict(loos), method=method, seed=12345, b_samples=20000)
        compare[method] = {
            name: {
                "rank": int(row["rank"]),
                "elpd_loo": number(row["elpd_loo"]),
                "p_loo": number(row["p_loo"]),
                "elpd_diff": number(row["elpd_diff"]),
                "weight": number(row["weight"]),
                "se": number(row["se"]),
                "dse": number(row["dse"]),
                "warning": bool(row["warning"]),
            }
            for name, row in df.iterrows()
        }
    expected["compare"] = compare

    # The stacking optimum to high precision (ArviZ's SLSQP stops at ftol = 1e-6): same
    # objective, tight tolerance, for a tighter test of the Swift optimizer.
    names = list(loos)
    mat = np.column_stack([loos[n]["loo_i"].values for n in names])
    expm = np.exp(mat)
    res = minimize(lambda w: -np.sum(np.log(expm @ w)), np.full(len(names), 1 / len(names)),
                   jac=lambda w: -np.sum(expm / (expm @ w)[:, None], axis=0),
                   bounds=[(0, 1)] * len(names),
                   constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1}],
                   method="SLSQP", options={"ftol": 1e-15, "maxiter": 10000})
    expected["stacking_tight"] = {n: number(w) for n, w in zip(names, res.x)}
    expected["stacking_tight_objective"] = number(-res.fun)

    with open("loo_expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
