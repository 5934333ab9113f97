using CairoMakie

fig = Figure(size = (1600, 900))
ax = Axis(fig[1, 1], title = "bar-basic · makie", ylabel = "Sales (k\$)")
barplot!(ax, 1:4, [42, 35, 28, 51])
save("plot.png", fig)
