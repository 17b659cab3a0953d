#!/usr/bin/env python3
"""The JAX side of `rlfit bench gradient`: one log density + gradient of hBayesDM's
bandit2arm_delta (the same hierarchical model, float64, jit) on a study `rlfit simulate` wrote,
timed the same way (median of repeats, each the mean of 5 evaluations), in ns per subject-trial.

    rlfit simulate --model bandit2arm_delta --subjects 100 --trials 200 --seed 1 --out /tmp/s.tsv
    python3 Benchmarks/jax_gradient.py /tmp/s.tsv          # needs jax (pip install jax)
    rlfit bench gradient --subjects 100 --trials 200        # the same figure for RLFit

The learning rule is a jax.lax.scan over trials vectorised over subjects, missed trials masked,
as NumPyro and BlackJAX users write it (../shared/peers/run_numpyro.py).
"""
import csv
import sys
import time

import jax
import jax.numpy as jnp
from jax import lax

jax.config.update("jax_enable_x64", True)


def read(path):
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    subjects = sorted({r["subjID"] for r in rows}, key=lambda s: (len(s), s))
    index = {s: i for i, s in enumerate(subjects)}
    per = [[] for _ in subjects]
    for r in rows:
        per[index[r["subjID"]]].append(r)
    S, T = len(subjects), max(len(p) for p in per)
    choice = [[0] * S for _ in range(T)]
    outcome = [[0.0] * S for _ in range(T)]
    answered = [[0.0] * S for _ in range(T)]
    for s, p in enumerate(per):
        for t, r in enumerate(p):
            if r["choice"] not in ("", "NA"):
                choice[t][s] = int(r["choice"]) - 1
                outcome[t][s] = float(r["outcome"])
                answered[t][s] = 1.0
    return S, T, jnp.array(choice), jnp.array(outcome), jnp.array(answered)


def phi_approx(x):
    return jax.nn.sigmoid(0.07056 * x**3 + 1.5976 * x)


def log_density(x, choice, outcome, answered):
    S = choice.shape[1]
    mu, log_sigma, raw = x[:2], x[2:4], x[4:].reshape(2, S)
    sigma = jnp.exp(log_sigma)
    A = phi_approx(mu[0] + sigma[0] * raw[0])
    tau = 5 * phi_approx(mu[1] + sigma[1] * raw[1])

    def step(Q, data):
        c, o, a = data
        u = tau[:, None] * Q
        logp = jnp.take_along_axis(jax.nn.log_softmax(u), c[:, None], axis=1)[:, 0]
        chosen = jnp.take_along_axis(Q, c[:, None], axis=1)[:, 0]
        new = chosen + A * (o - chosen)
        Q = jnp.where((jax.nn.one_hot(c, 2) * a[:, None]) > 0, new[:, None], Q)
        return Q, logp * a

    _, logp = lax.scan(step, jnp.zeros((S, 2)), (choice, outcome, answered))
    prior = -0.5 * jnp.sum(mu**2) - 0.5 * jnp.sum((sigma / 0.2) ** 2) + jnp.sum(log_sigma) - 0.5 * jnp.sum(raw**2)
    return jnp.sum(logp) + prior


def main():
    S, T, choice, outcome, answered = read(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    f = jax.jit(jax.value_and_grad(log_density))
    x = jax.random.uniform(jax.random.PRNGKey(99), (4 + 2 * S,), minval=-1, maxval=1, dtype=jnp.float64)
    for _ in range(max(3, repeats // 10)):
        jax.block_until_ready(f(x, choice, outcome, answered))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(5):
            jax.block_until_ready(f(x, choice, outcome, answered))
        times.append((time.perf_counter() - start) / 5)
    times.sort()
    median = times[len(times) // 2]
    print(f"JAX {jax.__version__}: {S} subjects x {T} trials, median {median * 1e6:.1f} us per log density + gradient")
    print(f"{median * 1e9 / (S * T):.2f} ns per subject-trial")


if __name__ == "__main__":
    main()
