import matplotlib.pyplot as plt
import numpy as np

plt.imshow(np.random.default_rng(1).random((5, 5)), cmap="viridis")
plt.savefig("plot.png")
