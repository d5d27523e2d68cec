"""Networks: a small UNet generator (direct model) and the same UNet with a timestep embedding
(the residual-diffusion denoiser f(x_t, y0, t) -> x0_hat). Narrow at full resolution and deep for
a wide receptive field, so one 512x512 site takes a fraction of a second on a CPU."""
from __future__ import annotations

import torch
from torch import nn


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    """Encoder/decoder with skip connections; input H, W must be multiples of 2**(len(widths)-1).
    With n_steps > 0 a learned per-step embedding is added to every decoder stage (the denoiser)."""

    def __init__(self, c_in: int, c_out: int, widths=(16, 32, 64, 128, 128), n_steps: int = 0):
        super().__init__()
        self.widths = tuple(widths)
        self.down = nn.ModuleList()
        c = c_in
        for w in widths:
            self.down.append(conv_block(c, w))
            c = w
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2))
            self.dec.append(conv_block(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, c_out, 1)
        self.n_steps = n_steps
        if n_steps:
            # one bias vector per step for the bottleneck and each decoder stage
            self.t_dims = [widths[-1]] + list(reversed(widths[:-1]))
            self.t_embed = nn.Embedding(n_steps, sum(self.t_dims))
            nn.init.zeros_(self.t_embed.weight)

    def forward(self, x: torch.Tensor, t: torch.Tensor | None = None) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            x = block(x)
            if i < len(self.down) - 1:
                skips.append(x)
                x = self.pool(x)
        biases = []
        if self.n_steps:
            e = self.t_embed(t)  # [N, sum(t_dims)]
            biases = list(torch.split(e, self.t_dims, dim=1))
            x = x + biases[0][:, :, None, None]
        for j, (up, dec) in enumerate(zip(self.up, self.dec)):
            x = up(x)
            x = dec(torch.cat([x, skips.pop()], dim=1))
            if self.n_steps:
                x = x + biases[j + 1][:, :, None, None]
        return torch.tanh(self.head(x))


class PatchDiscriminator(nn.Module):
    """Pix2Pix-style PatchGAN on (input, output) pairs; only used during training."""

    def __init__(self, c_in: int, width: int = 32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(c_in, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width, width * 2, 4, 2, 1), nn.BatchNorm2d(width * 2), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width * 2, width * 4, 4, 1, 1), nn.BatchNorm2d(width * 4), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width * 4, 1, 4, 1, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class DirectModel(nn.Module):
    """BF planes [N,3,H,W] -> 5 paint channels + 2 boundary maps [N,7,H,W], all in [-1, 1] (or any
    c_in input planes -> c_out outputs, e.g. phase planes -> DNA, or stains a lab has -> ones it lacks)."""

    def __init__(self, widths=(16, 32, 64, 128, 128), c_in: int = 3, c_out: int = 7):
        super().__init__()
        self.net = UNet(c_in, c_out, widths)

    def forward(self, bf: torch.Tensor) -> torch.Tensor:
        return self.net(bf)


class Denoiser(nn.Module):
    """x0_hat = f(x_t scaled, y0, t): x_t [N,7,H,W] (already scaled by 1/sqrt(kappa^2 eta_t + 1)),
    y0 [N,9,H,W] (BF replicated over the 7 outputs, then BFLow, BFHigh), t [N] int64 step index."""

    def __init__(self, n_steps: int, widths=(16, 32, 64, 128, 128), c_out: int = 7, c_y: int = 9):
        super().__init__()
        self.net = UNet(c_out + c_y, c_out, widths, n_steps=n_steps)

    def forward(self, x_t: torch.Tensor, y0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x_t, y0], dim=1), t)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
