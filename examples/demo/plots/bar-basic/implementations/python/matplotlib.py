import matplotlib.pyplot as plt

categories = ["North", "South", "East", "West"]
values = [42, 35, 28, 51]

fig, ax = plt.subplots(figsize=(16, 9))
ax.bar(categories, values, color="#306998")
ax.set_ylabel("Sales (k$)")
ax.set_title("bar-basic · matplotlib")
fig.savefig("plot.png", dpi=300)
