"""ResShift schedule and sampler (DESIGN.md §5), the Python twin of
src/main/core/inference/samplers/resshift.ts. Used for training (forward process) and evaluation."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Schedule:
    steps: int = 4
    kappa: float = 2.0
    power: float = 0.3
    min_noise: float = 0.2
    etas_end: float = 0.99

    def sqrt_etas(self) -> np.ndarray:
        T = self.steps
        s1 = min(self.min_noise / self.kappa, self.min_noise)
        if T == 1:
            return np.array([self.etas_end], dtype=np.float64)
        b = math.exp(math.log(self.etas_end / s1) / (T - 1))
        beta = (np.arange(1, T + 1, dtype=np.float64) - 1) / (T - 1)
        beta = beta**self.power * (T - 1)
        return s1 * b**beta

    def etas(self) -> np.ndarray:
        return self.sqrt_etas() ** 2

    def alphas(self) -> np.ndarray:
        e = self.etas()
        return np.diff(np.concatenate([[0.0], e]))

    def input_scale(self) -> np.ndarray:
        return 1.0 / np.sqrt(self.kappa**2 * self.etas() + 1.0)

    def to_json(self) -> dict:
        return {"T": self.steps, "kappa": self.kappa, "p": self.power, "minNoise": self.min_noise,
                "etasEnd": self.etas_end, "normalizeInput": True}


def timestep_indices(used: Schedule, trained: Schedule) -> list[int]:
    """Network step index for each sampling step when sampling with another T: the trained step whose
    eta is nearest (as the TypeScript sampler does); identity for the same T."""
    if used.steps == trained.steps:
        return list(range(used.steps))
    te = trained.etas()
    return [int(np.argmin(np.abs(te - e))) for e in used.etas()]


def q_sample(s: Schedule, x0: torch.Tensor, y0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """x_t = x0 + eta_t (y0 - x0) + kappa sqrt(eta_t) eps, t a 0-based step index per sample."""
    eta = torch.as_tensor(s.etas(), dtype=x0.dtype, device=x0.device)[t][:, None, None, None]
    return x0 + eta * (y0 - x0) + s.kappa * eta.sqrt() * noise


def make_y0(bf: np.ndarray | torch.Tensor, n_out: int = 7):
    """CellResDM's conditioning: the in-focus BF plane (index 1 of BFLow, BF, BFHigh) replicated over
    the output channels, followed by the other two planes. bf: [N,3,H,W]."""
    if isinstance(bf, torch.Tensor):
        return torch.cat([bf[:, 1:2].expand(-1, n_out, -1, -1), bf[:, 0:1], bf[:, 2:3]], dim=1)
    return np.concatenate([np.repeat(bf[:, 1:2], n_out, axis=1), bf[:, 0:1], bf[:, 2:3]], axis=1)


def sample(s: Schedule, denoise, y0: np.ndarray, noises: list[np.ndarray], n_out: int = 7,
           timesteps: list[int] | None = None) -> np.ndarray:
    """Run the sampler in float64 around `denoise(x_scaled, y0, t_index) -> x0_hat` (float32 arrays).
    noises: T arrays shaped like x, consumed in the TypeScript sampler's order: noises[0] makes x_T,
    noises[k] the step from t = T-k+1 to T-k; the last step (t = 1) adds none."""
    etas, alphas, scale = s.etas(), s.alphas(), s.input_scale()
    T = s.steps
    y = y0[:, :n_out].astype(np.float64)
    x = y + s.kappa * math.sqrt(etas[-1]) * noises[0].astype(np.float64)
    k = 1
    for ti in range(T - 1, -1, -1):
        net_t = timesteps[ti] if timesteps else ti
        x0_hat = denoise((x * scale[ti]).astype(np.float32), y0.astype(np.float32), net_t).astype(np.float64)
        if ti == 0:
            x = x0_hat
        else:
            e_prev, e_t, a_t = etas[ti - 1], etas[ti], alphas[ti]
            mean = (e_prev / e_t) * x + (a_t / e_t) * x0_hat
            x = mean + s.kappa * math.sqrt(e_prev * a_t / e_t) * noises[k].astype(np.float64)
            k += 1
    return np.clip(x, -1.0, 1.0)
